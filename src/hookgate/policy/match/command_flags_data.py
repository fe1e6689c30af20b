"""Per-program flag aliases: the spellings a canonical flag name stands for.

A rule says ``flags: [recursive, force]``; for ``rm`` that means any of
``-r -R --recursive`` and ``-f --force``, combined (``-rf``, ``-fr``) or
not, in any position. Spellings:

* ``-x`` / ``--long`` - an option (``--long=value`` also counts);
* ``--opt=value`` - the option given exactly that value (``--network=host``
  also matches ``--network host``);
* ``operand:+`` - an operand starting with ``+`` (git refspec ``+main``);
  ``operand:of=`` - a dd operand.

``values`` lists the options that take a value, so ``git -C x push`` reads
``push`` as the subcommand. Deliberate choices: git push ``force`` includes
``--force-with-lease`` and ``--mirror`` (all rewrite remote history); use
``force-without-lease`` to allow the lease forms. chmod's ``-r`` is a mode
(remove read), not ``recursive``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["PROGRAMS", "FlagTable", "ProgramFlags"]


@dataclass(frozen=True, slots=True)
class FlagTable:
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    values: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ProgramFlags:
    common: FlagTable
    subcommands: Mapping[str, FlagTable] = field(default_factory=dict)
    style: str = "gnu"  # "gnu": -abc clusters; "go": -long single words; "dd": key=value operands
    abbrev: bool = False  # unambiguous long-option prefixes accepted (getopt_long, git, npm)
    aliases: Mapping[str, str] = field(default_factory=dict)  # subcommand aliases: npm i -> install
    skip_words: frozenset[str] = frozenset()  # words that do not change the subcommand (docker container rm)


def T(names: Mapping[str, str] | None = None, values: str = "") -> FlagTable:
    return FlagTable({k: tuple(v.split()) for k, v in (names or {}).items()}, frozenset(values.split()))


_GIT_PUSH_FORCE = "-f --force --force-with-lease --force-if-includes --mirror operand:+"
_CURL_VALUES = ("-o --output -d --data --data-raw --data-binary --data-urlencode -F --form -H --header -X --request "
                "-u --user -A --user-agent -e --referer -b --cookie -c --cookie-jar -x --proxy -w --write-out "
                "-K --config -T --upload-file -E --cert --key --cacert -m --max-time --connect-timeout -r --range "
                "-C --continue-at --url --resolve --retry --json -D --dump-header --output-dir -U --proxy-user")
_DOCKER_RUN_VALUES = ("-v --volume -e --env -p --publish -w --workdir -u --user --name --network --net --mount "
                      "--entrypoint -m --memory --cpus --env-file -l --label --pid --ipc --cap-add --cap-drop "
                      "--security-opt --device --restart --platform -h --hostname --add-host --link --log-driver "
                      "--log-opt --tmpfs --ulimit --dns --expose --gpus --runtime --shm-size --userns --uts "
                      "--cgroupns --health-cmd --stop-signal --stop-timeout --cidfile -a --attach")
_KUBECTL_GLOBAL = ("-n --namespace --context --cluster --kubeconfig -s --server --user --token --as --as-group "
                   "--request-timeout --cache-dir --certificate-authority --client-certificate --client-key")

PROGRAMS: dict[str, ProgramFlags] = {
    "rm": ProgramFlags(T({"recursive": "-r -R --recursive", "force": "-f --force", "dir": "-d --dir",
                          "interactive": "-i -I --interactive", "verbose": "-v --verbose",
                          "no-preserve-root": "--no-preserve-root", "one-file-system": "--one-file-system"}),
                       abbrev=True),
    "cp": ProgramFlags(T({"recursive": "-r -R --recursive -a --archive", "force": "-f --force",
                          "archive": "-a --archive", "no-clobber": "-n --no-clobber"},
                         "-t --target-directory -S --suffix"), abbrev=True),
    "mv": ProgramFlags(T({"force": "-f --force", "no-clobber": "-n --no-clobber"}, "-t --target-directory -S --suffix"),
                       abbrev=True),
    "chmod": ProgramFlags(T({"recursive": "-R --recursive", "verbose": "-v --verbose -c --changes"}, "--reference"),
                          abbrev=True),
    "chown": ProgramFlags(T({"recursive": "-R --recursive", "no-dereference": "-h --no-dereference"},
                            "--from --reference"), abbrev=True),
    "chgrp": ProgramFlags(T({"recursive": "-R --recursive", "no-dereference": "-h --no-dereference"},
                            "--reference"), abbrev=True),
    "rsync": ProgramFlags(T({"delete": "--delete --del --delete-before --delete-during --delete-delay "
                                       "--delete-after --delete-excluded --remove-source-files",
                             "recursive": "-r --recursive -a --archive", "archive": "-a --archive"},
                            "-e --rsh --exclude --include --filter --files-from --log-file --backup-dir --chmod"),
                          abbrev=True),
    "find": ProgramFlags(T({"delete": "-delete", "exec": "-exec -execdir -ok -okdir"},
                           "-name -iname -path -ipath -type -maxdepth -mindepth -newer -user -group -perm -size "
                           "-mtime -mmin -atime -ctime -regex -iregex -printf -fprint -wholename"), style="go"),
    "dd": ProgramFlags(T({"output": "operand:of=", "input": "operand:if="}), style="dd"),
    "curl": ProgramFlags(T({"output": "-o --output -O --remote-name --remote-name-all --output-dir",
                            "insecure": "-k --insecure", "upload": "-T --upload-file",
                            "data": "-d --data --data-raw --data-binary --data-urlencode --data-ascii --json "
                                    "-F --form --form-string",
                            "request": "-X --request", "location": "-L --location", "silent": "-s --silent",
                            "fail": "-f --fail", "proxy": "-x --proxy", "config": "-K --config",
                            "user": "-u --user", "header": "-H --header"}, _CURL_VALUES)),
    "wget": ProgramFlags(T({"output": "-O --output-document -P --directory-prefix", "log": "-o --output-file",
                            "insecure": "--no-check-certificate", "recursive": "-r --recursive",
                            "mirror": "-m --mirror", "post": "--post-data --post-file --body-data --body-file",
                            "quiet": "-q --quiet", "execute": "-e --execute"},
                           "-O --output-document -o --output-file -a --append-output -P --directory-prefix "
                           "-e --execute -i --input-file -t --tries -T --timeout -U --user-agent --header "
                           "--post-data --post-file --user --password -l --level"), abbrev=True),
    "git": ProgramFlags(
        T({"no-verify": "--no-verify", "force": "-f --force", "dry-run": "-n --dry-run"},
          "-C -c --git-dir --work-tree --namespace --super-prefix --config-env"),
        {
            "push": T({"force": _GIT_PUSH_FORCE, "force-without-lease": "-f --force operand:+",
                       "force-with-lease": "--force-with-lease --force-if-includes",
                       "delete": "-d --delete operand::", "mirror": "--mirror", "all": "--all --branches",
                       "tags": "--tags", "no-verify": "--no-verify", "prune": "--prune", "dry-run": "-n --dry-run",
                       "set-upstream": "-u --set-upstream"},
                      "--repo --receive-pack --exec -o --push-option"),
            "reset": T({"hard": "--hard", "soft": "--soft", "mixed": "--mixed", "keep": "--keep", "merge": "--merge"}),
            "clean": T({"force": "-f --force", "directories": "-d", "ignored": "-x", "only-ignored": "-X",
                        "dry-run": "-n --dry-run", "interactive": "-i --interactive"}, "-e --exclude"),
            "checkout": T({"force": "-f --force"}, "-b -B --orphan"),
            "switch": T({"force": "-f --force --discard-changes"}, "-c -C --create --force-create --orphan"),
            "branch": T({"delete": "-d -D --delete", "force": "-f --force -D", "move": "-m -M --move"},
                        "-u --set-upstream-to"),
            "commit": T({"amend": "--amend", "no-verify": "-n --no-verify", "all": "-a --all"},
                        "-m --message -F --file -C --reuse-message -c --reedit-message --author --date -t --template "
                        "--fixup --squash"),
            "rebase": T({"interactive": "-i --interactive", "root": "--root"}, "--onto -x --exec -s --strategy -X"),
            "tag": T({"delete": "-d --delete", "force": "-f --force"}, "-m --message -F --file -u --local-user"),
            "fetch": T({"force": "-f --force", "prune": "-p --prune"}),
            "pull": T({"force": "-f --force", "rebase": "-r --rebase"}),
            "rm": T({"force": "-f --force", "recursive": "-r", "cached": "--cached"}),
            "stash": T({"all": "-a --all", "include-untracked": "-u --include-untracked"}, "-m --message"),
            "filter-branch": T({"force": "-f --force"}),
            "gc": T({"aggressive": "--aggressive", "prune": "--prune"}),
            "config": T({"global": "--global", "system": "--system"}, "-f --file --type"),
            "update-ref": T({"delete": "-d"}),
        },
        abbrev=True,
    ),
    "kubectl": ProgramFlags(
        T({"all-namespaces": "-A --all-namespaces", "namespace": "-n --namespace", "force": "--force",
           "dry-run": "--dry-run"}, _KUBECTL_GLOBAL),
        {
            "delete": T({"all": "--all", "now": "--now", "grace-period": "--grace-period",
                         "recursive": "-R --recursive", "filename": "-f --filename", "selector": "-l --selector"},
                        "-f --filename -l --selector -o --output --field-selector --grace-period --timeout -k"),
            "apply": T({"prune": "--prune", "recursive": "-R --recursive", "filename": "-f --filename",
                        "server-side": "--server-side"}, "-f --filename -l --selector -o --output -k"),
            "drain": T({"delete-emptydir-data": "--delete-emptydir-data --delete-local-data",
                        "ignore-daemonsets": "--ignore-daemonsets", "disable-eviction": "--disable-eviction"},
                       "--grace-period --timeout -l --selector --pod-selector"),
            "exec": T({"stdin": "-i --stdin", "tty": "-t --tty"}, "-c --container -f --filename"),
            "replace": T({"filename": "-f --filename"}, "-f --filename -o --output"),
            "scale": T({"all": "--all"}, "--replicas -l --selector -f --filename"),
        },
        style="gnu",
    ),
    "terraform": ProgramFlags(
        T({}, "-chdir"),
        {
            "apply": T({"auto-approve": "-auto-approve", "destroy": "-destroy", "replace": "-replace",
                        "target": "-target", "refresh-only": "-refresh-only", "lock": "-lock"},
                       "-var -var-file -target -replace -parallelism -state -state-out -backup -lock-timeout"),
            "destroy": T({"auto-approve": "-auto-approve", "force": "-force", "target": "-target"},
                         "-var -var-file -target -parallelism -state -lock-timeout"),
            "plan": T({"destroy": "-destroy", "out": "-out", "target": "-target"}, "-var -var-file -target -out"),
            "import": T({}, "-var -var-file -config -provider"),
            "force-unlock": T({"force": "-force"}),
            "workspace": T({"force": "-force"}),
            "state": T({"force": "-force", "dry-run": "-dry-run"}, "-state -backup -lock-timeout"),
        },
        style="go",
    ),
    "npm": ProgramFlags(
        T({"global": "-g --global", "force": "-f --force", "dry-run": "--dry-run", "yes": "-y --yes",
           "ignore-scripts": "--ignore-scripts", "unsafe-perm": "--unsafe-perm", "registry": "--registry",
           "legacy-peer-deps": "--legacy-peer-deps"}, "--registry --prefix -w --workspace --tag --access --otp"),
        {
            "install": T({"save-dev": "-D --save-dev", "production": "--production --omit=dev",
                          "no-save": "--no-save"}),
            "publish": T({"access": "--access", "tag": "--tag"}, "--access --tag --otp"),
            "audit": T({}),
            "cache": T({}),
        },
        abbrev=True,
        aliases={"i": "install", "in": "install", "ins": "install", "inst": "install", "insta": "install",
                 "instal": "install", "isnt": "install", "isnta": "install", "isntal": "install",
                 "isntall": "install", "add": "install", "un": "uninstall", "unlink": "uninstall",
                 "remove": "uninstall", "rm": "uninstall", "r": "uninstall", "run-script": "run", "rum": "run",
                 "urn": "run", "x": "exec", "t": "test", "tst": "test", "up": "update", "upgrade": "update",
                 "udpate": "update", "ic": "ci", "clean-install": "ci", "install-clean": "ci",
                 "isntall-clean": "ci", "it": "install-test", "cit": "install-ci-test"},
    ),
    "docker": ProgramFlags(
        T({}, "-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey"),
        {
            "run": T({"privileged": "--privileged", "host-network": "--network=host --net=host",
                      "host-pid": "--pid=host", "host-ipc": "--ipc=host", "volume": "-v --volume --mount",
                      "rm": "--rm", "detach": "-d --detach", "interactive": "-i --interactive", "tty": "-t --tty",
                      "user": "-u --user", "cap-add": "--cap-add", "device": "--device",
                      "security-opt": "--security-opt"}, _DOCKER_RUN_VALUES),
            "exec": T({"privileged": "--privileged", "user": "-u --user", "interactive": "-i --interactive",
                       "tty": "-t --tty", "detach": "-d --detach"}, "-e --env -u --user -w --workdir --env-file"),
            "rm": T({"force": "-f --force", "volumes": "-v --volumes"}),
            "rmi": T({"force": "-f --force"}),
            "prune": T({"all": "-a --all", "force": "-f --force", "volumes": "--volumes"}, "--filter"),
            "system": T({"all": "-a --all", "force": "-f --force", "volumes": "--volumes"}, "--filter"),
            "volume": T({"all": "-a --all", "force": "-f --force"}, "--filter"),
            "image": T({"all": "-a --all", "force": "-f --force"}, "--filter"),
            "push": T({"all-tags": "-a --all-tags"}),
        },
        skip_words=frozenset({"container"}),
    ),
}
for _alias, _target in (("podman", "docker"), ("nerdctl", "docker"), ("pnpm", "npm"), ("tofu", "terraform"),
                        ("oc", "kubectl")):
    PROGRAMS[_alias] = PROGRAMS[_target]

"""What the parser knows about programs: wrappers, shells, interpreters, I/O.

Tables, not code, so a reviewer can check them against the man pages. A
wrapper lists the options that take a value (so the value is not mistaken
for the wrapped program); an option missing here makes the parser consider
both readings (see :mod:`hookgate.policy.match.shell.unwrap`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DIR_WRITERS",
    "DOWNLOADERS",
    "INTERPRETER_VALUES",
    "NAMES_ONLY",
    "READERS",
    "READS_ONLY",
    "SHELLS",
    "STDIN_SHELLS",
    "WRAPPERS",
    "WRITERS",
    "Wrapper",
    "interpreter_code_opts",
]


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Wrapper:
    """How a program that runs another program lays out its arguments."""

    values: frozenset[str] = frozenset()  # options taking a value: "-u --user"
    flags: frozenset[str] = frozenset()  # options known to take none
    operands: int = 0  # operands before the command (timeout DURATION, chroot DIR)
    assignments: bool = False  # NAME=value words before the command (env, sudo)
    scripts: frozenset[str] = frozenset()  # options whose value is a shell script (su -c)
    no_exec: frozenset[str] = frozenset()  # options meaning nothing is run (command -v)
    joined: bool = False  # remaining words are joined and run by ``sh -c`` (watch, ssh)
    argv_opts: frozenset[str] = frozenset()  # options switching ``joined`` off (watch -x)
    writes: frozenset[str] = frozenset()  # options whose value is a written file (time -o)
    reads: frozenset[str] = frozenset()  # options whose value is a read file (sshpass -f)
    #: options handing the command a folder of the host under another name (bwrap --bind SRC DEST): all
    #: below SRC may be read, and written unless the option is in ``binds_read_only``
    binds: frozenset[str] = frozenset()
    binds_read_only: frozenset[str] = frozenset()
    subcommand: str = ""  # "run" for ``uv run``: the wrapper is two words ("exec|dlx": either)
    split: frozenset[str] = frozenset()  # options whose value is split into the command's first words (env -S)
    pairs: frozenset[str] = frozenset()  # options taking two values (bwrap --bind SRC DEST)
    triples: frozenset[str] = frozenset()  # options taking three values (bwrap --overlay RWSRC WORKDIR DEST)
    #: options whose value is the folder the command runs in (env -C DIR): its relative paths are below it
    chdir: frozenset[str] = frozenset()
    #: options whose value is the command's root folder (sudo -R DIR; chroot's first operand, ``root_operand``)
    root: frozenset[str] = frozenset()
    root_operand: bool = False


_W = Wrapper
WRAPPERS: dict[str, Wrapper] = {
    "sudo": _W(values=_set("-u --user -g --group -C --close-from -D --chdir -h --host -p --prompt -r --role -t --type "
                           "-T --command-timeout -U --other-user -R --chroot"),
               flags=_set("-A -b -E -e -H -i -K -k -l -n -P -S -s -V -v --askpass --background --preserve-env "
                          "--edit --set-home --login --remove-timestamp --reset-timestamp --list --non-interactive "
                          "--preserve-groups --stdin --shell --version --validate --"),
               assignments=True, no_exec=_set("-V --version -v --validate -K -k --remove-timestamp"),
               chdir=_set("-D --chdir"), root=_set("-R --chroot")),
    "doas": _W(values=_set("-u -C"), flags=_set("-n -s -L"), no_exec=_set("-C -L")),
    "env": _W(values=_set("-u --unset -C --chdir -S --split-string -P"), split=_set("-S --split-string"),
              flags=_set("-i - -0 -v --ignore-environment --null --debug --default-signal --ignore-signal "
                         "--block-signal --list-signal-handling"), assignments=True, chdir=_set("-C --chdir")),
    "nice": _W(values=_set("-n --adjustment"), flags=frozenset(f"-{d}" for d in "0123456789+")),
    "nohup": _W(),
    "timeout": _W(values=_set("-s --signal -k --kill-after"),
                  flags=_set("--preserve-status --foreground -v --verbose -p"), operands=1),
    "time": _W(values=_set("-f --format -o --output"),
               flags=_set("-p -a --append -v --verbose -q --quiet --portability"), writes=_set("-o --output")),
    "stdbuf": _W(values=_set("-i --input -o --output -e --error")),
    "setsid": _W(flags=_set("-c --ctty -f --fork -w --wait")),
    "xargs": _W(values=_set("-a --arg-file -d --delimiter -E -I -L -n --max-args -P --max-procs -s --max-chars "
                            "--process-slot-var --max-lines --replace --eof"),
                flags=_set("-0 --null -p --interactive -r --no-run-if-empty -t --verbose -x --exit -o --open-tty "
                           "-e -i -l")),
    "command": _W(flags=_set("-p -v -V"), no_exec=_set("-v -V")),
    "builtin": _W(),
    "exec": _W(values=_set("-a"), flags=_set("-c -l")),
    "watch": _W(values=_set("-n --interval -d --differences -q --equexit"),
                flags=_set("-b --beep -c --color -C --no-color -e --errexit -g --chgexit -p --precise -t --no-title "
                           "-w --no-wrap -x --exec"), joined=True, argv_opts=_set("-x --exec")),
    "chroot": _W(values=_set("--userspec --groups"), flags=_set("--skip-chdir"), operands=1, root_operand=True),
    "flock": _W(values=_set("-w --timeout -E --conflict-exit-code"),
                flags=_set("-s --shared -x -e --exclusive -u --unlock -n --nb --nonblock -o --close -F --no-fork "
                           "--verbose"),
                scripts=_set("-c --command"), operands=1),
    "ionice": _W(values=_set("-c --class -n --classdata"), flags=_set("-t --ignore")),
    "chrt": _W(values=_set("-T -P -D --sched-runtime --sched-period --sched-deadline"),
               flags=_set("-a -b -d -f -i -o -r -R -m -v --all-tasks --batch --deadline --fifo --idle --other --rr "
                          "--reset-on-fork --verbose"), operands=1),
    "taskset": _W(flags=_set("-a -c --all-tasks --cpu-list"), operands=1),
    "unbuffer": _W(flags=_set("-p")),
    "caffeinate": _W(values=_set("-t -w"), flags=_set("-d -i -m -s -u")),
    "strace": _W(values=_set("-e -o -p -s -u -a -b -E -I -O -P -S -X -U"), writes=_set("-o"),
                 flags=_set("-c -C -d -D -f -ff -F -h -i -k -n -q -qq -r -t -tt -ttt -T -v -V -w -x -xx -y -yy -Z -z")),
    "ltrace": _W(values=_set("-e -o -p -s -u -a -A -D -F -l -n -w -x"), writes=_set("-o"),
                 flags=_set("-b -c -C -f -h -i -L -r -S -t -tt -ttt -T -V")),
    "pkexec": _W(values=_set("--user"), flags=_set("--disable-internal-agent --keep-cwd")),
    "su": _W(values=_set("-s --shell -g --group -G --supp-group -w --whitelist-environment"),
             flags=_set("- -l --login -m -p --preserve-environment -P --pty -f --fast"),
             scripts=_set("-c --command --session-command"), operands=1, no_exec=frozenset({"*"})),
    "runuser": _W(values=_set("-u --user -g --group -G --supp-group -s --shell -w --whitelist-environment"),
                  flags=_set("- -l --login -m -p --preserve-environment -P --pty -f --fast"),
                  scripts=_set("-c --command --session-command")),
    "script": _W(values=_set("-E --echo -I --log-in -O --log-out -B --log-io -T --log-timing -m --logging-format "
                             "-t --timing"),
                 flags=_set("-a --append -e --return -f --flush --force -q --quiet"),
                 scripts=_set("-c --command"), no_exec=frozenset({"*"})),
    "sg": _W(operands=1, joined=True, scripts=_set("-c")),
    "ssh": _W(values=_set("-B -b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w"),
              flags=_set("-4 -6 -A -a -C -f -G -g -K -k -M -N -n -q -s -T -t -V -v -X -x -Y -y"),
              operands=1, joined=True, no_exec=frozenset({"*"})),
    "sshpass": _W(values=_set("-p -f -d -e -P"), flags=_set("-v -h -V"), reads=_set("-f")),
    "proxychains": _W(values=_set("-f"), flags=_set("-q")),
    "proxychains4": _W(values=_set("-f"), flags=_set("-q")),
    "torsocks": _W(values=_set("-u -p -a -P --user --pass --address --port"), flags=_set("-i -d -q --isolate")),
    "firejail": _W(flags=_set("--quiet --noprofile")),
    "faketime": _W(values=_set("-p"), flags=_set("-m -f --exclude-monotonic"), operands=1),
    "systemd-run": _W(values=_set("-p --property -u --unit -E --setenv -M --machine --slice --description "
                                  "--uid --gid --working-directory -H --host --on-calendar"),
                      flags=_set("--user --system --scope -t --pty -P --pipe -q --quiet -G --collect --wait -S "
                                 "--shell -d --same-dir -r --remain-after-exit"),
                      chdir=_set("--working-directory")),
    "nsenter": _W(values=_set("-t --target -S --setuid -G --setgid --wd -w --wdns -r --root"),
                  flags=_set("-a --all -m -u -i -n -p -U -C -T -F --no-fork --preserve-credentials"),
                  chdir=_set("--wd -w"), root=_set("-r --root")),
    "unshare": _W(values=_set("--setuid --setgid --wd -R --root -w"),
                  flags=_set("-m -u -i -n -p -U -C -T -f --fork -r --map-root-user --mount-proc --kill-child"),
                  chdir=_set("--wd -w"), root=_set("-R --root")),
    "valgrind": _W(flags=_set("-q -v --quiet --verbose")),
    "eatmydata": _W(),
    "fakeroot": _W(values=_set("-l --lib --faked -s -i -b"), flags=_set("-u --unknown-is-real")),
    "fakechroot": _W(values=_set("-l --lib -d --elfloader -e --environment -c --config-dir"),
                     flags=_set("-s --use-system-libs")),
    "proot": _W(values=_set("-r --rootfs -R -S -b --bind -m --mount -w --pwd --cwd -k --kernel-release -q --qemu "
                            "-v --verbose -p --port -i --change-id"), flags=_set("-0 --root-id -l --link2symlink"),
                binds=_set("-b --bind -m --mount"),  # -b SRC[:DST]: the host's SRC, as the command's DST
                chdir=_set("-w --pwd --cwd"), root=_set("-r --rootfs -R")),
    "bwrap": _W(values=_set("--args --uid --gid --hostname --chdir --unsetenv --dev --proc --tmpfs --mqueue --dir "
                            "--remount-ro --lock-file --seccomp --perms --size --userns --pidns --info-fd "
                            "--json-status-fd --block-fd --userns-block-fd --sync-fd --cap-add --cap-drop --exec-label "
                            "--file-label --argv0"),
                flags=_set("--unshare-all --share-net --unshare-user --unshare-user-try --unshare-ipc --unshare-pid "
                           "--unshare-net --unshare-uts --unshare-cgroup --unshare-cgroup-try --clearenv "
                           "--new-session --die-with-parent --as-pid-1 --disable-userns --assert-userns-disabled"),
                pairs=_set("--bind --bind-try --dev-bind --dev-bind-try --ro-bind --ro-bind-try --setenv --file "
                           "--bind-data --ro-bind-data --symlink --chmod --bind-fd --ro-bind-fd"),
                triples=_set("--overlay"),
                binds=_set("--bind --bind-try --dev-bind --dev-bind-try --ro-bind --ro-bind-try --overlay"),
                binds_read_only=_set("--ro-bind --ro-bind-try")),
    # a session multiplexer runs a shell command (joined by its shell) in a new session or pane
    "tmux": _W(values=_set("-s -n -t -c -x -y -e -F -f -l -p -L -S"),
               flags=_set("-d -A -D -E -P -X -h -v -b -Z -I -k -2 -u -N"), joined=True,
               subcommand="new-session|new|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window"
                          "|respawnw|run-shell|run|display-popup|popup"),
    "screen": _W(values=_set("-S -c -e -h -p -T -t -Logfile"),
                 flags=_set("-d -m -D -R -r -U -a -A -q -x -O -l -ln -i -f -fn -fa -L")),
    "busybox": _W(),
    "coproc": _W(),
    # tree-sitter-bash reads `time { ls; }` and `coproc NAME { ...; }` as a command named `{`
    "{": _W(),
    "toybox": _W(),
    "uv": _W(values=_set("--with --with-requirements --with-editable --python -p --project --directory --package "
                         "--env-file --index --extra-index-url --index-url --extra --group -w"),
             flags=_set("--no-project --isolated --frozen --locked --no-sync --active -q -v --quiet --verbose "
                        "--all-extras --no-dev --script -s -m --module"), subcommand="run"),
    "poetry": _W(values=_set("-C --directory -P --project"), flags=_set("-q -v -n --no-interaction"),
                 subcommand="run"),
    "pipenv": _W(subcommand="run"),
    "pdm": _W(subcommand="run"),
    "hatch": _W(subcommand="run"),
    "conda": _W(values=_set("-n --name -p --prefix --cwd"), flags=_set("--no-capture-output --live-stream -v"),
                subcommand="run"),
    "mamba": _W(values=_set("-n --name -p --prefix --cwd"), flags=_set("--no-capture-output --live-stream -v"),
                subcommand="run"),
    "bundle": _W(subcommand="exec"),
    # package runners: `npx npm publish` runs npm (a package bin, or the one on PATH)
    "npx": _W(values=_set("-p --package"), scripts=_set("-c --call"),
              flags=_set("-y --yes --no --no-install -q --quiet --ignore-existing --prefer-offline")),
    "bunx": _W(values=_set("-p --package"), flags=_set("--bun --silent")),
    "npm": _W(values=_set("-p --package -w --workspace --prefix"), scripts=_set("-c --call"),
              flags=_set("-y --yes --no -q --quiet -ws --workspaces"), subcommand="exec|x"),
    "pnpm": _W(values=_set("-C --dir --filter"), scripts=_set("-c"), flags=_set("-r --recursive -s --silent"),
               subcommand="exec|dlx"),
    "yarn": _W(values=_set("-p --package"), subcommand="exec|dlx"),
    "bun": _W(subcommand="x"),
    "parallel": _W(values=_set("-j --jobs -S --sshlogin -a --arg-file -d --delimiter -I -N -n -L --tmpdir "
                               "--joblog --results --timeout --retries"),
                   flags=_set("-k --keep-order -q --quote --halt -0 --null -v --verbose --dry-run --bar "
                              "--progress --eta -u --ungroup --line-buffer"), joined=True),
}

SHELLS = frozenset(_set("sh bash zsh dash ksh mksh pdksh ash fish csh tcsh yash posh rbash lksh oksh"))
# Programs that read a script from stdin when given none (the job is run by a shell later).
STDIN_SHELLS = frozenset(_set("at batch crontab"))

_INTERPRETER = re.compile(
    r"^(?:python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|luajit"
    r"|rscript|r|osascript|pwsh|powershell|julia|tclsh[0-9.]*|wish|groovy|awk|gawk|mawk|nawk|busybox-awk)$"
)


@lru_cache(maxsize=1024)
def interpreter_code_opts(program: str) -> frozenset[str] | None:
    """Options whose value is inline code, if ``program`` is an interpreter."""
    if not _INTERPRETER.match(program):
        return None
    if program.startswith(("python", "pypy")):
        return _set("-c")
    if program.startswith(("perl", "ruby")):
        return _set("-e -E")
    if program in ("node", "nodejs", "bun"):
        return _set("-e --eval -p --print")
    if program.startswith("php"):
        return _set("-r -R -B -E")
    if program in ("pwsh", "powershell"):
        return _set("-c -command -Command -encodedcommand -EncodedCommand -ec -e")
    if program.endswith("awk"):
        return frozenset()  # the first operand is the program text
    return _set("-e -E")


# Options of interpreters that take a value that is not code (python -m mod, perl -I dir).
INTERPRETER_VALUES = _set("-m -W -X -I -M -x -i -r --require -F -v -f --import --loader")

# program names are looked up case-folded: libwww-perl's `GET` and `POST` are written `get` and `post`
DOWNLOADERS = frozenset(_set("curl wget fetch http https xh httpie aria2c lwp-request lwp-download get post nc ncat "
                             "netcat socat s_client tftp ftp"))

_EDITORS = _set("vi vim nvim view vimdiff nano pico micro emacs ed ex")
_EDITOR_VALUES = _set("-c --cmd -S -u -U -i -T -t -q -w -W -s")
_GPG_VALUES = _set("-o --output -r --recipient -u --local-user --homedir --default-key -z --compress-level "
                   "--passphrase --passphrase-file --trust-model --keyring")
_PATCH_VALUES = _set("-p --strip -d --directory -i --input -o --output -r --reject-file -D --ifdef -F --fuzz "
                     "-B --prefix -Y --basename-prefix -V --version-control -z --suffix")
_PIP = (_set("-t --target --prefix --root -r --requirement -c --constraint -i --index-url --extra-index-url "
             "-e --editable --src --cache-dir"), _set("-t --target --prefix --root --src"), False)

# program -> (options taking a value, options whose value is written, how operands are written)
# operand modes: "all" every operand, "last" the destination of cp/mv, "skip1" all but the first (chmod MODE).
WRITERS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    "tee": (frozenset(), frozenset(), "all"),
    "touch": (_set("-d -r -t --date --reference"), frozenset(), "all"),
    "truncate": (_set("-s --size -r --reference"), frozenset(), "all"),
    "mkdir": (_set("-m --mode"), frozenset(), "all"),
    "rmdir": (frozenset(), frozenset(), "all"),
    "rm": (frozenset(), frozenset(), "all"),
    "unlink": (frozenset(), frozenset(), "all"),
    "shred": (_set("-n --iterations -s --size --random-source"), frozenset(), "all"),
    "chmod": (_set("--reference"), frozenset(), "skip1"),
    "chown": (_set("--from --reference"), frozenset(), "skip1"),
    "chgrp": (_set("--reference"), frozenset(), "skip1"),
    "cp": (_set("-t --target-directory -S --suffix"), _set("-t --target-directory"), "last"),
    "mv": (_set("-t --target-directory -S --suffix"), _set("-t --target-directory"), "all"),  # sources go too
    "install": (_set("-t --target-directory -m --mode -o --owner -g --group -S --suffix"),
                _set("-t --target-directory"), "last"),
    "ln": (_set("-t --target-directory -S --suffix"), _set("-t --target-directory"), "last"),
    "rsync": (_set("-e --rsh --exclude --include --filter -f --files-from --log-file --backup-dir --chmod"),
              frozenset(), "last"),
    "scp": (_set("-c -F -i -J -l -o -P -S"), frozenset(), "last"),
    "curl": (_set("-o --output -d --data --data-raw --data-binary --data-urlencode -F --form -H --header -X --request "
                  "-u --user -A --user-agent -e --referer -b --cookie -c --cookie-jar -x --proxy -w --write-out "
                  "-K --config -T --upload-file -E --cert --key --cacert -m --max-time --connect-timeout -r --range "
                  "-C --continue-at --url --resolve --retry --json -D --dump-header --output-dir"),
             _set("-o --output -c --cookie-jar -D --dump-header"), "none"),
    "wget": (_set("-O --output-document -o --output-file -a --append-output -P --directory-prefix -e --execute "
                  "-i --input-file -t --tries -T --timeout -U --user-agent --header --post-data --post-file "
                  "--user --password -l --level"),
             _set("-O --output-document -o --output-file -a --append-output -P --directory-prefix"), "none"),
    "sort": (_set("-o --output -k --key -t --field-separator -S --buffer-size -T --temporary-directory"),
             _set("-o --output"), "none"),
    "sed": (_set("-e --expression -f --file -l --line-length"), frozenset(), "sed"),
    "sudoedit": (_set("-u --user -g --group"), frozenset(), "all"),
    **{p: (_EDITOR_VALUES, frozenset(), "all") for p in _EDITORS},  # an editor saves what it opens
    "zip": (_set("-b -n -t -tt -P -O"), frozenset(), "first"),
    "openssl": (_set("-in -inkey -key -out -passin -passout -cert -CAfile -config -engine -keyform -outform "
                     "-inform -md -cipher -subj -days -newkey -signkey"), _set("-out"), "none"),
    "ssh-keygen": (_set("-f -b -t -C -N -P -m -Z -a -O -n -V -z -D -I -r -s -E -G -K -W -M -w -Y -T -S -J -j"),
                   _set("-f"), "none"),  # -f FILE (and FILE.pub) is written, or read by -l/-y: either way named
    "gpg": (_GPG_VALUES, _set("-o --output"), "none"),
    "gpg2": (_GPG_VALUES, _set("-o --output"), "none"),
    "split": (_set("-a --suffix-length -b --bytes -C --line-bytes -l --lines -n --number "
                   "--additional-suffix --filter -t --separator"), frozenset(), "last"),  # the last is a name prefix
    "csplit": (_set("-b --suffix-format -f --prefix -n --digits"), _set("-f --prefix"), "none"),
    # patch ORIGINALFILE [PATCHFILE]; the files a patch names are written below -d (DIR_WRITERS)
    "patch": (_PATCH_VALUES, _set("-o --output -r --reject-file"), "first"),
}

# program -> (options taking a value, options naming the directory unknown names are written below, whether the
# working directory is that directory when no option names one): archives, patches and package installs
DIR_WRITERS: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {
    "unzip": (_set("-d -x -P -O -I"), _set("-d"), True),
    "7z": (_set("-o -p -i -x -t -m -w"), _set("-o"), True),
    "patch": (_PATCH_VALUES, _set("-d --directory"), True),
    "pip": _PIP,
    "pip3": _PIP,
    "npm": (_set("--prefix -C --registry --cache --userconfig --globalconfig"), _set("--prefix -C"), False),
}

# program -> (options taking a value, options whose value is read, operand mode)
# operand modes: "all", "after_script" (grep PATTERN files..., unless -e/-f gave the pattern: then every
# operand is a file), "but_last" (cp SRC... DST), "sources" (but_last, or all when -t names the destination).
READERS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    **{p: (frozenset(), frozenset(), "all")
       for p in _set("cat tac nl less more strings md5sum sha1sum sha256sum sha512sum wc file source . bat "
                     "zcat bzcat xzcat zstdcat lzcat zless zmore bzless xzless paste comm join rev column "
                     "cksum sum b2sum shasum sha224sum sha384sum md5 pv")},
    **{p: (_set("-w --width"), frozenset(), "all") for p in _set("fold fmt")},
    "uniq": (_set("-f --skip-fields -s --skip-chars -w --check-chars"), frozenset(), "first"),
    **{p: (_EDITOR_VALUES, frozenset(), "all") for p in _EDITORS},
    **{p: (_GPG_VALUES, _set("--passphrase-file"), "all") for p in _set("gpg gpg2")},
    "wget": (WRITERS["wget"][0], _set("--post-file -i --input-file"), "none"),
    "xargs": (WRAPPERS["xargs"].values, _set("-a --arg-file"), "none"),
    "head": (_set("-n --lines -c --bytes"), frozenset(), "all"),
    "tail": (_set("-n --lines -c --bytes -s --sleep-interval --pid"), frozenset(), "all"),
    "od": (_set("-A -j -N -t -w"), frozenset(), "all"),
    "xxd": (_set("-c -g -l -s -o"), frozenset(), "all"),
    "hexdump": (_set("-e -f -n -s"), frozenset(), "all"),
    "base64": (_set("-w --wrap"), frozenset(), "all"),
    "sort": (_set("-o --output -k --key -t --field-separator -S --buffer-size -T --temporary-directory"),
             frozenset(), "all"),
    "cut": (_set("-d --delimiter -f --fields -b --bytes -c --characters"), frozenset(), "all"),
    "grep": (_set("-e --regexp -f --file -m --max-count -A -B -C --include --exclude --exclude-dir -d -D"),
             _set("-f --file"), "after_script"),
    "egrep": (_set("-e -f -m -A -B -C --include --exclude"), _set("-f"), "after_script"),
    "fgrep": (_set("-e -f -m -A -B -C --include --exclude"), _set("-f"), "after_script"),
    "rg": (_set("-e --regexp -f --file -g --glob -t --type -T -m -A -B -C -j"), _set("-f --file"), "after_script"),
    "diff": (_set("-U -C -I -x -X --label --from-file --to-file"), _set("-X --from-file --to-file"), "all"),
    "cmp": (_set("-i -n"), frozenset(), "all"),
    # split FILE [PREFIX] and csplit FILE PATTERN...: the file read comes first
    "split": (WRITERS["split"][0], frozenset(), "first"),
    "csplit": (WRITERS["csplit"][0], frozenset(), "first"),
    "cp": (_set("-t --target-directory -S --suffix"), frozenset(), "sources"),
    "mv": (_set("-t --target-directory -S --suffix"), frozenset(), "sources"),
    "install": (WRITERS["install"][0], frozenset(), "sources"),
    "scp": (_set("-c -F -i -J -l -o -P -S"), frozenset(), "but_last"),
    "rsync": (_set("-e --rsh --exclude --include --filter -f --files-from --log-file --backup-dir --chmod"),
              frozenset(), "but_last"),
    "curl": (WRITERS["curl"][0], _set("-T --upload-file -K --config"), "none"),
    **{p: (_set("-e --expression -f --file -l --line-length -s --separate"), _set("-f --file"), "after_script")
       for p in _set("sed gsed")},
    **{p: (_set("-f --file -v --assign -F --field-separator -e --source -i --include"), _set("-f --file"),
            "after_script") for p in _set("awk gawk mawk nawk")},
    **{p: (_set("-f --from-file --arg --argjson --slurpfile --rawfile --indent"), _set("-f --from-file"),
            "after_script") for p in _set("jq yq")},
    "zip": (_set("-b -n -t -tt -P -O"), frozenset(), "skip1"),
    "openssl": (_set("-in -inkey -key -out -passin -passout -cert -CAfile -config "
                                               "-engine -keyform -outform -inform -md -cipher -subj -days "
                                               "-newkey -signkey"), _set("-in -inkey -key -cert -signkey"), "none"),
}
# Readers that read a folder operand all the way down: program -> the options that make them (None: always).
RECURSIVE: dict[str, frozenset[str] | None] = {
    **{p: _set("-r -R --recursive --dereference-recursive") for p in _set("grep egrep fgrep")},
    "rg": None,
    "cp": _set("-r -R --recursive -a --archive"),
    "rsync": _set("-r --recursive -a --archive"),
    "scp": _set("-r"),
    "zip": _set("-r -R --recurse-paths --recurse-patterns"),
}
# Programs that touch no file's contents through their words: they print them (echo), list, test or
# look up names (ls, test, stat, which, realpath), or change the shell's or a process's state (cd,
# export, kill). A word naming a secret is only a name to them: `ls ~/.ssh`, `test -f ~/.ssh/id_rsa`.
# Every other program without a file table may read or write what its words name (see operands.py), so
# never add one that has a way to read or write a file through a word: `date -f FILE`, `hostname -F
# FILE`, `du --files0-from=FILE`, `history -w FILE`, `who FILE`, `pgrep -F FILE`, `enable -f LIB`, `tree -o`.
NAMES_ONLY = frozenset(_set(
    "echo printf ls dir vdir test [ stat which type whereis basename dirname realpath readlink true false : "
    "sleep kill cd pushd popd dirs pwd export unset readonly declare typeset local set shopt umask ulimit wait "
    "jobs fg bg disown exit return shift break continue let getopts hash help read mapfile readarray times "
    "caller whoami id groups logname tty uname arch nproc seq yes expr printenv df clear reset tput"))
# Programs that read files their words may name and never write one: their words count as reads only
# (`du -sh /var/log` writes nothing outside the workspace; `du --files0-from=FILE` reads FILE).
READS_ONLY = frozenset(_set("du ldd readelf nm objdump size otool lsof"))

# Programs whose options are single-dash words (`-in`), never clusters of letters.
SINGLE_DASH = frozenset({"openssl", "find"})

# Options whose value is a command line the program runs (GTFOBins-style escapes):
# program -> {option: required value prefix (stripped) or "" for the whole value}.
CODE_OPTIONS: dict[str, dict[str, str]] = {
    "tar": {"--to-command": "", "--use-compress-program": "", "-I": "", "--checkpoint-action": "exec=",
            "--info-script": "", "-F": "", "--new-volume-script": ""},
    "rsync": {"-e": "", "--rsh": "", "--rsync-path": ""},
    "ssh": {"-o": "proxycommand", "-oProxyCommand": ""},
    "scp": {"-o": "proxycommand", "-S": ""},
    "sftp": {"-o": "proxycommand", "-S": ""},
    "zip": {"-TT": "", "--unzip-command": ""},
}
# git -c KEY=VALUE (and `git config KEY VALUE`) keys whose value is run by a shell.
GIT_CODE_KEYS = frozenset({"core.sshcommand", "core.pager", "core.editor", "core.fsmonitor", "core.hookspath",
                           "sequence.editor", "diff.external", "pager.log", "pager.diff", "gpg.program",
                           "credential.helper"})
# Environment variables whose value is a command line some program runs.
CODE_ENV = frozenset({"GIT_SSH_COMMAND", "GIT_EDITOR", "GIT_PAGER", "GIT_EXTERNAL_DIFF", "GIT_SEQUENCE_EDITOR",
                      "EDITOR", "VISUAL", "PAGER", "MANPAGER", "PROMPT_COMMAND", "SSH_ASKPASS", "SUDO_ASKPASS",
                      "LESSOPEN", "LESSCLOSE", "GIT_ASKPASS", "RSYNC_RSH", "FCEDIT"})

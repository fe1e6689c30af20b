"""Shell command parsing for the ``command`` matcher.

``parse_command(text)`` parses a command line with tree-sitter-bash and
returns a :class:`ParsedCommand`: every simple command that would run -
through lists, pipelines, subshells, substitutions, ``bash -c`` bodies,
eval strings, heredocs fed to shells, and wrappers such as sudo, env,
timeout, xargs and ``find -exec`` - with words unquoted as bash would, the
files written and read, downloads that end up executed, and a list of the
parts that could not be understood (which matchers treat as possible
matches, never as passes).
"""

from hookgate.policy.match.shell.argv import Option, split_argv
from hookgate.policy.match.shell.model import Maybe, ParsedCommand, SimpleCommand
from hookgate.policy.match.shell.parse import CACHE_SIZE, parse_cache_info, parse_command, parse_command_uncached

__all__ = [
    "CACHE_SIZE",
    "Maybe",
    "Option",
    "ParsedCommand",
    "SimpleCommand",
    "parse_cache_info",
    "parse_command",
    "parse_command_uncached",
    "split_argv",
]

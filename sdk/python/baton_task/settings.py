"""What the agent gives a controlled task in its environment, read and checked once at start."""
import re
from typing import Mapping, NamedTuple

ORPHAN_GRACE_ENV = 'BATON_ORPHAN_GRACE_MS'
DEFAULT_ORPHAN_GRACE_MS = 300_000
REQUIRED = ('BATON_CONTROL', 'BATON_TASK_ID', 'BATON_TASK_TOKEN')
MAX_UNIX_PATH = 107  # bytes: sockaddr_un's sun_path less its terminating NUL
_HOST_PORT = re.compile(r'^(\[[^\]]+\]|[^:/\[\]]+):(\d{1,5})$')


class SettingsError(Exception):
    """The environment does not describe a task an agent started: the message says what is wrong."""


class Settings(NamedTuple):
    control: str       # BATON_CONTROL as given, for messages
    target: str        # the same address as a grpc target
    task_id: str
    token: str
    name: str          # BATON_TASK_NAME (the role path), else the task id
    env_id: str
    node: str
    orphan_grace_ms: int


def orphan_grace_from(value) -> int:
    """BATON_ORPHAN_GRACE_MS in ms (0 = wait forever); the agent's default when absent or unreadable."""
    text = (value or '').strip()
    return int(text) if text.isascii() and text.isdigit() else DEFAULT_ORPHAN_GRACE_MS


def grpc_target(address: str) -> str:
    """The grpc target for BATON_CONTROL (unix:///abs/path or host:port); SettingsError otherwise."""
    problem = f'BATON_CONTROL {address}: expected unix:///absolute/path or host:port'
    if address.startswith('unix:'):
        path = address[len('unix:'):]
        if path.startswith('//'):
            path = path[2:]
        if not path.startswith('/') or len(path.encode()) > MAX_UNIX_PATH:
            raise SettingsError(problem)
        return 'unix://' + path
    match = _HOST_PORT.match(address)
    if not match or not 0 < int(match.group(2)) <= 65535:
        raise SettingsError(problem)
    return address


def settings_from(env: Mapping[str, str]) -> Settings:
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise SettingsError('this program is a Baton controlled task and runs under a baton agent: '
                            'BATON_CONTROL, BATON_TASK_ID and BATON_TASK_TOKEN must be set '
                            f'(not set: {", ".join(missing)})')
    task_id = env['BATON_TASK_ID']
    name = env.get('BATON_TASK_NAME') or task_id
    try:
        target = grpc_target(env['BATON_CONTROL'])
    except SettingsError as error:
        raise SettingsError(f'{name}: {error}') from None
    return Settings(
        control=env['BATON_CONTROL'], target=target, task_id=task_id, token=env['BATON_TASK_TOKEN'],
        name=name, env_id=env.get('BATON_ENV_ID', ''), node=env.get('BATON_NODE', ''),
        orphan_grace_ms=orphan_grace_from(env.get(ORPHAN_GRACE_ENV)))

"""Keycloak, the OpenID Connect provider people sign in with, from its Maven Central
distribution zip, started with ``java`` in development mode on loopback.

The ``ticketflow`` realm (two demo tenants, one user per role per tenant, the dashboard's
and the field app's public clients) is imported from ``deploy/local/keycloak`` on first
start; Keycloak skips a realm it already has, so a restart keeps what was changed.
"""

import hashlib
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy.local.paths import KEYCLOAK_DIR, KEYCLOAK_REALM, KEYCLOAK_VERSION
from deploy.local.process import ManagedProcess

REALM = "ticketflow"
ADMIN_USER = "admin"
# The master realm's admin: a local development server only, bound to 127.0.0.1.
ADMIN_PASSWORD = "admin"


def keycloak_home() -> Path:
    return KEYCLOAK_DIR / f"keycloak-{KEYCLOAK_VERSION}"


def ensure_keycloak() -> Path:
    """Fetch and unpack the distribution once; put the realm where ``--import-realm``
    reads it (again whenever the realm file changed)."""
    home = keycloak_home()
    if not (home / "bin" / "kc.sh").exists():
        _unpack(_download())
    imports = home / "data" / "import"
    imports.mkdir(parents=True, exist_ok=True)
    target = imports / KEYCLOAK_REALM.name
    if not target.exists() or _digest(target) != _digest(KEYCLOAK_REALM):
        shutil.copyfile(KEYCLOAK_REALM, target)
    return home


def _download() -> Path:
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise RuntimeError("java and mvn are needed to run Keycloak (make deps installs them)")
    artifact = f"org.keycloak:keycloak-quarkus-dist:{KEYCLOAK_VERSION}:zip"
    subprocess.run(
        ["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={artifact}",
         f"-DoutputDirectory={KEYCLOAK_DIR}"],
        check=True,
    )  # fmt: skip
    return KEYCLOAK_DIR / f"keycloak-quarkus-dist-{KEYCLOAK_VERSION}.zip"


def _unpack(archive: Path) -> None:
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(KEYCLOAK_DIR)
    for script in (keycloak_home() / "bin").glob("*.sh"):
        script.chmod(0o755)  # zipfile does not keep modes
    archive.unlink()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class KeycloakConfig:
    port: int
    # Keep users and sessions across restarts (make run), or start empty each time (tests).
    persistent: bool = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"


def keycloak_process(config: KeycloakConfig, log_path: Path) -> ManagedProcess:
    home = ensure_keycloak()
    argv = [
        str(home / "bin" / "kc.sh"), "start-dev",
        "--http-host=127.0.0.1", f"--http-port={config.port}",
        "--import-realm", f"--db={'dev-file' if config.persistent else 'dev-mem'}",
        "--log-level=WARN",
    ]  # fmt: skip
    env = {
        "KC_BOOTSTRAP_ADMIN_USERNAME": ADMIN_USER,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        # A development server: a bounded heap instead of 70% of the machine's memory.
        "JAVA_OPTS_KC_HEAP": "-Xms64m -Xmx512m",
    }
    return ManagedProcess("keycloak", argv, log_path, env=env)


def keycloak_ready(config: KeycloakConfig) -> bool:
    try:
        response = httpx.get(f"{config.issuer}/.well-known/openid-configuration", timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200

"""Where local infrastructure keeps its jars, data and logs (all git-ignored)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / ".local"
KAFKA_POM = Path(__file__).resolve().parent / "kafka" / "pom.xml"
KAFKA_LIB = LOCAL / "kafka" / "lib"
KAFKA_LOG4J = Path(__file__).resolve().parent / "kafka" / "log4j2.yaml"
KEYCLOAK_VERSION = "26.7.3"
KEYCLOAK_DIR = LOCAL / "keycloak"
KEYCLOAK_REALM = Path(__file__).resolve().parent / "keycloak" / "realm-ticketflow.json"

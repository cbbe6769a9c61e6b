"""One typed settings object, from BRANDSTATION_* environment variables; embedded defaults run everything locally."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings, SecretStr
from yarl import URL

from knowledge.db import Database
from knowledge.pricing import PricingSettings

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where data lives, which embedder to use, which ports to serve on."""

    var_dir: Path = ROOT / "var"
    catalog_sources: Path = ROOT / "catalog" / "sources"
    catalog_db: Path = ROOT / "var" / "catalog.sqlite"
    index_dir: Path = ROOT / "var" / "index"
    database: Path = ROOT / "var" / "brandstation.sqlite"  # leads, outbox, quotes, console, demand (embedded)
    # The same tables in PostgreSQL instead (postgresql://user:password@host:port/db): every replica shares them.
    database_url: str = ""
    # The catalog's own place when it must differ from database_url, e.g. a schema per catalog version
    # (postgresql://…?options=-csearch_path%3Dcatalog_v2) so a new catalog + index can be rolled out replica by replica.
    catalog_database_url: str = ""
    # Rasa's tracker store, read for returning buyers and the web chat's history (the console has its own
    # console_tracker_url): empty = database_url when set (make run-scaled keeps both there), else var_dir/tracker.db.
    tracker_url: str = ""
    embedder: str = "use-multilingual-v3"
    # The secret every key is derived from (Rasa's API token, the action server's token, web chat session
    # signatures: bot/keys.py). Empty: generated on first use into var_dir/secret.key. Replicas must share it.
    secret_key: SecretStr = SecretStr("")
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8080
    models_dir: Path = ROOT / "models"
    # Leads: the brand's name (consent text, replies) and the 1 + N routing file (config/routing.yml format).
    brand_name: str = "Brandstation demo brand"
    routing_file: Path = ROOT / "config" / "routing.yml"
    # Sales console (bot/console/): the first admin's password (generated and printed once when empty), the
    # tracker store it reads (empty: sqlite var_dir/tracker.db) and Secure cookies when served over https.
    console_admin_password: str = ""
    console_tracker_url: str = ""
    console_secure_cookies: bool = False
    # The reverse proxies in front of the console (comma-separated IPs or CIDRs, e.g. "127.0.0.1" for a TLS proxy
    # on the same host): only from these is X-Forwarded-For believed for the client address (login throttle,
    # audit). Empty: the connection's own address is the client's.
    console_trusted_proxies: str = ""
    # Where the console's transcript list, home count and analytics come from: "tracker" (summarize Rasa's tracker
    # store on each view) or "events" (the tables `brandstation analytics consume` keeps from the event broker).
    analytics_source: str = "tracker"
    # Where buyers reach the web server (download links in replies); default http://host:web_port.
    public_url: str = ""
    # Quotes: currency, VAT, validity and the USD rate (a demo rate, not a market quote: set your own).
    quote_currency: str = "CNY"
    tax_rate: Decimal = Decimal("0.13")
    quote_validity_days: int = 7
    usd_rate: Decimal = Decimal("7.10")
    attrition_pct: Decimal = Decimal("0")

    def db(self) -> Database:
        """The app's database: `database_url` when set, else the embedded SQLite file."""
        return Database.shared(self.database_url or self.database)

    def catalog_url(self) -> str:
        """Where the catalog is read: catalog_database_url, else database_url (copied there by `brandstation catalog
        push`, same catalog hash, so the index files under index_dir stay current), else the SQLite file `ingest`
        builds."""
        return self.catalog_database_url or self.database_url or str(self.catalog_db)

    def tracker_db(self) -> Database:
        """Where Rasa's `events` table is (see tracker_url)."""
        return Database.shared(self.tracker_url or self.database_url or self.var_dir / "tracker.db")

    def base_url(self) -> str:
        """The public URL of the web server (download links)."""
        return (self.public_url or f"http://{self.host}:{self.web_port}").rstrip("/")

    def web_origin(self) -> str:
        """The web chat page's origin (scheme, host, port): the only one whose pages may call Rasa (CORS, socket.io)."""
        return str(URL(self.base_url()).origin())

    def pricing(self) -> PricingSettings:
        """Quote terms from these settings."""
        fx = {} if self.quote_currency.upper() == "USD" else {"USD": self.usd_rate}
        return PricingSettings(
            currency=self.quote_currency.upper(),
            tax_rate=self.tax_rate,
            validity_days=self.quote_validity_days,
            fx=fx,
            attrition_pct=self.attrition_pct,
        )

    class Config:
        env_prefix = "BRANDSTATION_"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()

"""One typed settings object, from BRANDSTATION_* environment variables; embedded defaults run everything locally."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where data lives, which embedder to use, which ports to serve on."""

    var_dir: Path = ROOT / "var"
    catalog_sources: Path = ROOT / "catalog" / "sources"
    catalog_db: Path = ROOT / "var" / "catalog.sqlite"
    index_dir: Path = ROOT / "var" / "index"
    database: Path = ROOT / "var" / "brandstation.sqlite"  # demand log; tracker store lives in endpoints.yml
    embedder: str = "use-multilingual-v3"
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8080
    models_dir: Path = ROOT / "models"

    class Config:
        env_prefix = "BRANDSTATION_"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()

"""The console's own settings (THIDUA_WEB_*), beside the shared ones (thidua_common.settings) that
give it the environment, the OIDC issuer, the HTTP host and port."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THIDUA_WEB_", extra="ignore")

    public_url: str = Field("http://127.0.0.1:8005", description="the console's URL as the browser sees it")
    reporting_url: str = Field("http://127.0.0.1:8004", description="reporting's public API")
    intake_url: str = Field("http://127.0.0.1:8001", description="intake's public API")
    # issue 11: scoring's one public route, the editor's preview of a sample submission
    scoring_url: str = Field("http://127.0.0.1:8002", description="scoring's HTTP endpoint (POST /api/v1/preview)")
    client_id: str = Field("thidua-console", description="the public OIDC client (Authorization Code + PKCE)")
    scope: str = Field("openid profile", description="scopes asked for at sign-in")
    session_idle_seconds: int = Field(8 * 3600, gt=0, description="a session unused this long is forgotten")
    api_timeout_seconds: float = Field(10.0, gt=0, description="timeout of a call to intake or reporting")

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/callback"


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()

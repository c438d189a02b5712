"""A real OpenID Connect provider for the SSO tests, run as its own process on 127.0.0.1.

Built from Authlib's server side (`authlib.oauth2` authorization-code grant, `authlib.oidc.core`
`OpenIDCode`, `UserInfoEndpoint`, RFC 7636 PKCE) on a small Flask app. Authlib is the most widely
used, actively maintained OAuth/OIDC library for Python, and its server grants are the same code
that production providers built on it run; the rest here is storage (dicts) and the endpoints'
routes. The provider is the opposite end of the protocol from trustdesk's client, so a test passes
only if real HTTP requests, signed ID tokens and JWKS look-ups work end to end.

It serves discovery, JWKS, authorize (auto-approving the configured user, as if they had signed
in), token and userinfo, and two test-only endpoints:

- `POST /_control` with JSON `{"claims": {...}, "misbehave": "nonce" | null}` sets the user the
  next authorisations approve, and optionally makes the provider put a wrong nonce in ID tokens;
- `GET /_control` returns counts of the requests each endpoint answered.

Started by `OIDCProviderProcess` (below) with `python -m tests.web.accounts.oidc_provider`; it
binds a free port and prints `READY <base URL>` on stdout once it listens.
"""

from __future__ import annotations

import argparse
import hmac
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CODE_LIFETIME = 600  # seconds, the RFC 6749 recommendation's upper bound
ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    client_metadata: dict[str, Any] = field(default_factory=dict)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "profile", "email"}
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint != "token" or method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class User:
    claims: dict[str, Any]


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass
class Token(TokenMixin):  # type: ignore[misc]
    access_token: str
    client: Client
    user: User
    scope: str
    expires_in: int
    issued_at: int = field(default_factory=lambda: int(time.time()))

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> User:
        return self.user

    def get_client(self) -> Client:
        return self.client


@dataclass
class State:
    """Everything the provider remembers; one process serves one test session."""

    issuer: str
    client: Client
    key: RSAKey
    user: User = field(default_factory=lambda: User({"sub": "nobody"}))
    misbehave: str | None = None
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)


def _user_info(user: User, scope: str) -> UserInfo:
    """Standard claims allowed by the scope, plus any non-standard ones (a provider's roles)."""
    standard = UserInfo(user.claims).filter(scope)
    extra = {k: v for k, v in user.claims.items() if k not in UserInfo.REGISTERED_CLAIMS}
    return UserInfo({**extra, **standard})


def build_app(state: State) -> Flask:
    app = Flask(__name__)

    class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]  # noqa: RUF012

        def save_authorization_code(self, code: str, req: Any) -> None:
            state.codes[code] = AuthorizationCode(
                code=code,
                client_id=req.client.client_id,
                redirect_uri=req.payload.redirect_uri,
                scope=req.scope,
                user=req.user,
                nonce=req.payload.data.get("nonce"),
                code_challenge=req.payload.data.get("code_challenge"),
                code_challenge_method=req.payload.data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, client: Client) -> Any:
            item = state.codes.get(code)
            if item is None or item.client_id != client.client_id:
                return None
            return item if time.time() - item.auth_time < CODE_LIFETIME else None

        def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
            state.codes.pop(authorization_code.code, None)  # one use only

        def authenticate_user(self, authorization_code: AuthorizationCode) -> User:
            return authorization_code.user

    class IDTokens(OpenIDCode):  # type: ignore[misc]
        def exists_nonce(self, nonce: str, req: Any) -> bool:
            return any(c.nonce == nonce for c in state.codes.values())

        def resolve_client_private_key(self, client: Client) -> RSAKey:
            return state.key

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": str(state.key.kid)}

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            return {"iss": state.issuer, "aud": [client.client_id]}

        def get_authorization_code_claims(self, authorization_code: Any) -> dict[str, Any]:
            claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
            if state.misbehave == "nonce":
                claims["nonce"] = "not-the-nonce-the-client-sent"
            return claims

        def generate_user_info(self, user: User, scope: str) -> UserInfo:
            return _user_info(user, scope)

    class Validator(BearerTokenValidator):  # type: ignore[misc]
        def authenticate_token(self, token_string: str) -> Token | None:
            return state.tokens.get(token_string)

    class UserInfoAnswer(UserInfoEndpoint):  # type: ignore[misc]
        def get_issuer(self) -> str:
            return state.issuer

        def generate_user_info(self, user: User, scope: str) -> UserInfo:
            return _user_info(user, scope)

    def save_token(token: dict[str, Any], req: Any) -> None:
        state.tokens[token["access_token"]] = Token(
            access_token=token["access_token"],
            client=req.client,
            user=req.user,
            scope=token.get("scope", ""),
            expires_in=int(token.get("expires_in", 3600)),
        )

    server = AuthorizationServer(
        app,
        query_client=lambda cid: state.client if cid == state.client.client_id else None,
        save_token=save_token,
    )
    server.register_grant(CodeGrant, [IDTokens(require_nonce=True), CodeChallenge(required=True)])
    protector = ResourceProtector()
    protector.register_token_validator(Validator())
    server.register_endpoint(UserInfoAnswer(resource_protector=protector))

    @app.before_request
    def count() -> None:
        state.hits[request.path] += 1

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        base = state.issuer
        return jsonify(
            issuer=base,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            userinfo_endpoint=f"{base}/userinfo",
            jwks_uri=f"{base}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=["openid", "profile", "email"],
            token_endpoint_auth_methods_supported=["client_secret_basic"],
            code_challenge_methods_supported=["S256"],
        )

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(keys=[state.key.as_dict(private=False)])

    @app.get("/authorize")
    def authorize() -> Any:
        # Auto-approves: the configured user has "signed in" and consented.
        return server.create_authorization_response(grant_user=state.user)

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo() -> Any:
        return server.create_endpoint_response("userinfo")

    @app.post("/_control")
    def control() -> Any:
        body = request.get_json(force=True)
        if "claims" in body:
            state.user = User(dict(body["claims"]))
        state.misbehave = body.get("misbehave")
        return jsonify(ok=True)

    @app.get("/_control")
    def stats() -> Any:
        return jsonify(hits=dict(state.hits))

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True)
    args = parser.parse_args(argv)
    client = Client(args.client_id, args.client_secret, args.redirect_uri)
    state = State(issuer="", client=client, key=RSAKey.generate_key(2048, auto_kid=True))
    app = build_app(state)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    state.issuer = f"http://127.0.0.1:{http.server_port}"
    sys.stdout.write(f"READY {state.issuer}\n")
    sys.stdout.flush()
    http.serve_forever()


class OIDCProviderProcess:
    """Starts the provider in a child process and stops it on exit; `control()` configures it."""

    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self._args = [
            sys.executable,
            "-m",
            "tests.web.accounts.oidc_provider",
            "--client-id",
            client_id,
            "--client-secret",
            client_secret,
            "--redirect-uri",
            redirect_uri,
        ]
        self._proc: subprocess.Popen[str] | None = None
        self.issuer = ""

    def __enter__(self) -> OIDCProviderProcess:
        self._proc = subprocess.Popen(  # noqa: S603  # our own interpreter and module
            self._args, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()  # blocks until the provider listens (or dies)
        if not line.startswith("READY "):
            self._proc.kill()
            raise RuntimeError(f"the test OIDC provider did not start: {line!r}")
        self.issuer = line.split()[1]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
            if self._proc.stdout is not None:
                self._proc.stdout.close()

    def control(self, *, claims: dict[str, Any], misbehave: str | None = None) -> None:
        response = httpx.post(
            f"{self.issuer}/_control", json={"claims": claims, "misbehave": misbehave}
        )
        response.raise_for_status()

    def hits(self) -> dict[str, int]:
        hits: dict[str, int] = httpx.get(f"{self.issuer}/_control").json()["hits"]
        return hits


if __name__ == "__main__":
    main()

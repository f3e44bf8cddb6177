//! Single sign-on through the city's unified identity authentication (article 12): OpenID Connect, the
//! authorization code flow with PKCE.
//!
//! 第十二条:“市级党政机关、市直属事业单位的政务信息化系统应当优先使用市级智慧城市基础平台提供的身份认证、
//! 地理信息、区块链、人工智能等统一基础服务能力。” govit is itself such a system, so it is read as: where the
//! city's platform offers identity authentication, people log in there and govit keeps no second identity of
//! its own for them. “优先” (preferably) is why the password form stays available unless the operator switches
//! it off. An operator names the provider in `DATA/sso.yaml`; govit matches a person to an account by a
//! configured claim, creates the account when allowed (`provision`), and takes organisation and roles from
//! claims or leaves them to an administrator (`local_login: false` closes the password form).
//!
//! What is checked: the `state` (bound to the browser by a cookie, and to this server by the pending map),
//! the PKCE verifier, the ID token's signature, issuer, audience, expiry and nonce, and that the user info's
//! subject is the ID token's.

mod account;
mod claims;
mod config;

pub use claims::{Identity, identity};
pub use config::{ClaimNames, SsoConfig};

use crate::{App, AppError};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreResponseType,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a started login may take at the provider before its state is forgotten.
pub const PENDING_LOGIN: Duration = Duration::from_secs(600);
/// Logins started and not finished that are remembered at once; the oldest is forgotten beyond this, so a
/// flood of started logins cannot grow the server's memory.
const MAX_PENDING: usize = 10_000;

/// The claims beyond the standard ones (the organisation and roles claims are the operator's to name).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct OtherClaims {
    #[serde(flatten)]
    rest: Map<String, Value>,
}

impl AdditionalClaims for OtherClaims {}

type IdFields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

type Client = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<IdFields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A login sent to the provider and not yet back.
#[derive(Debug)]
struct Pending {
    verifier: PkceCodeVerifier,
    nonce: Nonce,
    started: Instant,
}

/// How long the provider's discovery document and signing keys are used before they are read again, so that
/// a provider's key rotation reaches govit without a restart.
const DISCOVERY_KEPT: Duration = Duration::from_secs(3600);

/// The provider as govit uses it: the configuration, the discovered client (read at the first login and
/// again after [`DISCOVERY_KEPT`], so that a provider down at start-up does not stop the server) and the
/// logins in flight.
#[derive(Debug)]
pub struct Sso {
    config: SsoConfig,
    secret: Option<String>,
    http: reqwest::Client,
    client: tokio::sync::Mutex<Option<(Instant, Arc<Client>)>>,
    pending: Mutex<HashMap<String, Pending>>,
}

/// Where to send the browser, and the state to bind to it.
#[derive(Debug, Clone)]
pub struct SsoStart {
    pub url: String,
    pub state: String,
}

/// The identity provider cannot be reached or answers wrongly (503): the person may try again later.
fn unavailable(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::unavailable("统一身份认证", format!("{what}:{e}"))
}

/// A fault on govit's side of single sign-on (its own configuration, its own state).
fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("统一身份认证:{what}:{e}"))
}

impl Sso {
    pub fn new(config: SsoConfig) -> Result<Sso, AppError> {
        config.check().map_err(|(field, reason)| AppError::invalid(field, reason))?;
        let secret = config.client_secret()?;
        let http = crate::http::client().map_err(|e| AppError::internal(format!("无法创建HTTP客户端:{e}")))?;
        Ok(Sso { config, secret, http, client: Default::default(), pending: Default::default() })
    }

    pub fn config(&self) -> &SsoConfig {
        &self.config
    }

    async fn client(&self) -> Result<Arc<Client>, AppError> {
        let mut kept = self.client.lock().await;
        if let Some((read, client)) = kept.as_ref()
            && read.elapsed() < DISCOVERY_KEPT
        {
            return Ok(client.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| internal("发行方网址", e))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| unavailable("无法读取认证平台的发现文档", e))?;
        let redirect = RedirectUrl::new(self.config.redirect_url.clone()).map_err(|e| internal("回调网址", e))?;
        let client = Arc::new(
            Client::from_provider_metadata(
                metadata,
                ClientId::new(self.config.client_id.clone()),
                self.secret.clone().map(ClientSecret::new),
            )
            .set_redirect_uri(redirect),
        );
        *kept = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    fn remember(&self, state: String, pending: Pending) -> Result<(), AppError> {
        let mut map = self.pending.lock().map_err(|_| internal("登录状态", "lock poisoned"))?;
        map.retain(|_, p| p.started.elapsed() < PENDING_LOGIN);
        if map.len() >= MAX_PENDING
            && let Some(oldest) = map.iter().min_by_key(|(_, p)| p.started).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(state, pending);
        Ok(())
    }

    fn take(&self, state: &str) -> Result<Option<Pending>, AppError> {
        let mut map = self.pending.lock().map_err(|_| internal("登录状态", "lock poisoned"))?;
        Ok(map.remove(state).filter(|p| p.started.elapsed() < PENDING_LOGIN))
    }

    /// Starts a login: the provider's authorization URL with a fresh state, nonce and PKCE challenge.
    pub async fn begin(&self) -> Result<SsoStart, AppError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let state = state.secret().clone();
        self.remember(state.clone(), Pending { verifier, nonce, started: Instant::now() })?;
        Ok(SsoStart { url: url.to_string(), state })
    }

    /// Finishes a login: exchanges the code, verifies the ID token and reads the claims (the ID token's, then
    /// the user info's over them when the provider has that endpoint).
    pub async fn finish(&self, state: &str, code: &str) -> Result<Identity, AppError> {
        let expired = || AppError::invalid("state", "登录请求已过期或无效,请重新登录");
        let pending = self.take(state)?.ok_or_else(expired)?;
        let client = self.client().await?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| unavailable("令牌端点未配置", e))?
            .set_pkce_verifier(pending.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                // The provider answered and refused the code (used, forged, expired): log in again.
                openidconnect::RequestTokenError::ServerResponse(said) => {
                    AppError::invalid("sso", format!("统一身份认证未能完成登录(授权码兑换失败:{said}),请重新登录"))
                }
                e => unavailable("授权码兑换失败", e),
            })?;
        let id_token = token.id_token().ok_or_else(|| unavailable("未返回ID令牌", "no id_token"))?;
        let verified = id_token
            .claims(&client.id_token_verifier(), &pending.nonce)
            .map_err(|e| unavailable("ID令牌校验失败", e))?;
        let mut claims = as_map(verified)?;
        if client.user_info_url().is_some() {
            let info: UserInfoClaims<OtherClaims, CoreGenderClaim> = client
                .user_info(token.access_token().clone(), Some(verified.subject().clone()))
                .map_err(|e| unavailable("用户信息端点", e))?
                .request_async(&self.http)
                .await
                .map_err(|e| unavailable("读取用户信息失败", e))?;
            claims.extend(as_map(&info)?);
        }
        identity(&claims, &self.config.claims).map_err(|reason| AppError::invalid("sso", reason))
    }
}

fn as_map(claims: &impl Serialize) -> Result<Map<String, Value>, AppError> {
    match serde_json::to_value(claims) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(internal("声明格式", "not an object")),
        Err(e) => Err(internal("声明格式", e)),
    }
}

impl App {
    /// Lets people log in through the identity provider of `config` (`govit serve` with `DATA/sso.yaml`).
    pub fn with_sso(mut self, sso: Sso) -> App {
        self.sso = Some(Arc::new(sso));
        self
    }

    /// The provider's configuration, when single sign-on is on.
    pub fn sso_config(&self) -> Option<&SsoConfig> {
        self.sso.as_deref().map(Sso::config)
    }

    /// Whether the user name and password form is open.
    pub fn local_login(&self) -> bool {
        self.sso_config().is_none_or(|c| c.local_login)
    }

    fn sso(&self) -> Result<&Sso, AppError> {
        self.sso.as_deref().ok_or_else(|| AppError::invalid("sso", "本系统未配置统一身份认证"))
    }

    /// Starts a single sign-on login.
    pub async fn sso_begin(&self) -> Result<SsoStart, AppError> {
        self.sso()?.begin().await
    }

    /// Finishes a single sign-on login and opens a session for the matched (or newly created) account.
    pub async fn sso_finish(&self, state: &str, code: &str) -> Result<crate::accounts::NewSession, AppError> {
        let sso = self.sso()?;
        let identity = match sso.finish(state, code).await {
            Ok(identity) => identity,
            Err(e) => {
                self.record_security("login_failed", "", format!("统一身份认证:{e}")).await?;
                return Err(e);
            }
        };
        let user = self.sso_account(&identity, sso.config()).await?;
        self.open_session(&user, govit_store::SESSION_SSO, &format!("统一身份认证登录(sub {})", identity.subject)).await
    }
}

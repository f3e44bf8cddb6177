// A real OpenID provider (panva/oidc-provider) for govit's single sign-on tests.
//
//   node provider.mjs PORT REDIRECT_URI CLIENT_SECRET
//
// Prints "ready" once it listens on 127.0.0.1:PORT. Its login page is oidc-provider's own development
// interaction: any password is accepted for the accounts below, and consent is granted without asking, as a
// city's identity platform does for its own applications. Test data only.
import Provider from 'oidc-provider';

const [port, redirectUri, clientSecret] = process.argv.slice(2);
if (!port || !redirectUri || !clientSecret) {
  console.error('usage: node provider.mjs PORT REDIRECT_URI CLIENT_SECRET');
  process.exit(2);
}

// The people the city's identity platform knows, with the claims govit is configured to read.
const accounts = {
  'wang.minzheng': {
    preferred_username: 'wang.minzheng', name: '王民政', email: 'wang.minzheng@mz.wuhan.example.org',
    org: '市民政局', govit_roles: ['owner'],
  },
  'li.nobody': {
    preferred_username: 'li.nobody', name: '李无角色', email: 'li.nobody@wuhan.example.org',
    org: '市民政局', govit_roles: [],
  },
  'chen.bureau': {
    preferred_username: 'chen.bureau', name: '陈审批', email: 'chen@sjj.wuhan.example.org',
    org: '市政务服务和大数据管理局', govit_roles: ['bureau'],
  },
  // Claims an administrator's role: govit grants those itself only (三员分立).
  'sun.claims.admin': {
    preferred_username: 'sun.claims.admin', name: '孙管理', email: 'sun@sjj.wuhan.example.org',
    org: '市政务服务和大数据管理局', govit_roles: ['security_admin'],
  },
  // Has the user name of govit's own 安全管理员.
  'secadmin': {
    preferred_username: 'secadmin', name: '冒名者', email: 'secadmin@wuhan.example.org',
    org: '市政务服务和大数据管理局', govit_roles: ['bureau'],
  },
  'zhao.unknown': {
    preferred_username: 'zhao.unknown', name: '赵外单位', email: 'zhao@elsewhere.example.org',
    org: '不存在的单位', govit_roles: ['owner'],
  },
};

const SCOPES = 'openid profile email govit';

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'govit',
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    govit: ['org', 'govit_roles'],
  },
  pkce: { required: () => true },
  cookies: { keys: ['govit-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(SCOPES);
    await grant.save();
    return grant;
  },
});

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));

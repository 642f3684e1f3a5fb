// A real OpenID Connect provider (panva's oidc-provider) on loopback, for the identity-provider
// sign-in tests (tests/support/oidc_provider.py starts it). Not part of the product.
//
//   node provider.mjs            with, in the environment:
//   OIDC_PORT        the loopback port to listen on
//   OIDC_CLIENT      {"client_id": ..., "client_secret": ..., "redirect_uris": [...]}
//   OIDC_ACCOUNTS    {"<account id>": {"email": ..., "email_verified": true, "amr": ["pwd", "mfa"],
//                                      "acr": ..., "given_name": ..., "family_name": ...}, ...}
//
// The signing key (RS256) is generated at start. The sign-in page is one field, "Account id", which
// the test (or a person in the browser) types; consent is granted without asking. `amr` and `acr`
// come from the account, as a real provider reports how the person signed in. Any redirect URI on
// loopback or the Django test client's host ending in the client's callback path is allowed, as the
// live server's port is known only after this starts.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { Provider } from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const client = JSON.parse(process.env.OIDC_CLIENT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signing = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signing] },
  claims: {
    // As Entra ID puts them: how the person signed in, in the ID token.
    openid: ['sub', 'acr', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
  },
  cookies: { keys: ['test-only-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
});
provider.proxy = false;

const callbackPath = new URL(client.redirect_uris[0]).pathname;
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  try {
    const url = new URL(value);
    return (
      url.protocol === 'http:' &&
      ['127.0.0.1', 'localhost', 'testserver'].includes(url.hostname) &&
      url.pathname === callbackPath &&
      !url.search &&
      !url.hash
    );
  } catch {
    return false;
  }
};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, uid) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body><main>
<h1>Test identity provider</h1>
<form method="post" action="/interaction/${escape(uid)}">
<label for="account">Account id</label> <input id="account" name="account" autocomplete="off">
<button type="submit">Continue</button>
</form></main></body></html>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (req.method !== 'POST') return page(res, uid);
    const accountId = (await readForm(req)).get('account') || '';
    const account = accounts[accountId];
    if (!account) return page(res, uid);
    const login = { accountId, amr: account.amr, acr: account.acr };
    return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
  }
  // Consent: granted without asking.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)\/?$/.exec(req.url.split('?')[0]);
  if (!match) return handle(req, res);
  interaction(req, res, match[1]).catch((error) => {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end(`interaction failed: ${error.message}`);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));

// The forms agents paste secrets in (env, INI, JSON, YAML, XML, code, Makefiles, shell history, URLs), as text
// builders. The configuration and code forms follow gitleaks' GenerateSampleSecrets catalogue (MIT,
// cmd/generate/config/utils/generate.go); the shell and URL forms are ours. Secrets are synthetic (fixtures.ts).

import type { DlpKind } from '../../src/dlp/index.js';
import { AWS_SECRET, AZURE_ANNOTATED_KEY, JWT, POSITIVES, pem, synth } from './fixtures.js';

/** A text with `{s}` where the secret goes (and `{id}` where an AWS access key id goes, masked as well). */
export type Form = string;

/** One kind's secret and the forms it is found in. */
export interface FormCase {
  readonly kind: DlpKind;
  readonly secret: string;
  readonly forms: readonly Form[];
}

/** `{i}`-named configuration and code forms for a name such as `gitlab`, `DB_PASSWORD`, `client_secret`. */
export function configForms(name: string): Form[] {
  const upper = name.toUpperCase();
  return [
    // INI / .env
    `${name}="{s}"`,
    `${name} = "{s}"`,
    `${name}={s}`,
    `${name} = {s}`,
    `export ${upper}="{s}"`,
    `${upper}={s}\nOTHER=1`,
    // JSON
    `{\n    "${name}": "{s}"\n}`,
    `{"config.ini": "${upper}={s}\\nBACKUP_ENABLED=true"}`,
    `{\\"${name}\\": \\"{s}\\"}`,
    // XML
    `<${name}>\n    {s}\n</${name}>`,
    `<${name}>{s}</${name}>`,
    // YAML
    `${name}: {s}`,
    `${name}: '{s}'`,
    `${name}: "{s}"`,
    `  ${name}:   {s}   # rotated monthly`,
    // Code
    `string ${name} = "{s}";`,
    `var ${name} string = "{s}"`,
    `${name} := "{s}"`,
    `${name} := \`{s}\``,
    `String ${name} = "{s}";`,
    `var ${name} = "{s}"`,
    `$${name} .= "{s}"`,
    `${name} = '{s}'`,
    `client = Client(${name}="{s}", timeout=30)`,
    `const config = { ${name}: "{s}" };`,
    `System.setProperty("${upper}", "{s}")`,
    `  "${name}" => "{s}"`,
    `os.environ["${upper}"] = "{s}"`,
    // Makefile
    `${upper} = "{s}"`,
    `${upper} := "{s}"`,
    `${upper} ::= "{s}"`,
    `${upper} :::= "{s}"`,
    `${upper} ?= "{s}"`,
    // Shell history
    `$ ${upper}={s} ./deploy.sh --verbose`,
    `docker run -e ${upper}={s} -p 8080:80 app`,
  ];
}

/** A Basic credential header value for `user:password`. */
const basic = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

const GENERIC_PASSWORD = 'hunter2' + synth(9, 11);
const GENERIC_TOKEN = synth(32, 12);
const URL_PASSWORD = synth(14, 13);
/** The access key id `{id}` stands for. */
export const AWS_KEY_ID = POSITIVES.aws_access_key[0] as string;

/** For every secret kind, a secret and the forms it must be masked in. */
export const FORM_CASES: readonly FormCase[] = [
  ...(
    [
      ['openai_key', 'openai_api_key'],
      ['anthropic_key', 'anthropic_api_key'],
      ['openrouter_key', 'openrouter_api_key'],
      ['deepseek_key', 'deepseek_api_key'],
      ['groq_key', 'groq_api_key'],
      ['xai_key', 'xai_api_key'],
      ['perplexity_key', 'pplx_api_key'],
      ['huggingface_token', 'hf_token'],
      ['aws_access_key', 'aws_access_key_id'],
      ['github_token', 'github_token'],
      ['gitlab_token', 'gitlab_token'],
      ['slack_token', 'slack_bot_token'],
      ['stripe_key', 'stripe_secret_key'],
      ['google_api_key', 'gemini_api_key'],
      ['azure_key', 'azure_openai_api_key'],
      ['npm_token', 'npm_token'],
    ] as const
  ).flatMap(([kind, name]) =>
    POSITIVES[kind]
      .filter((secret) => !secret.startsWith('https://'))
      .map((secret) => ({ kind, secret, forms: configForms(name) })),
  ),
  { kind: 'jwt', secret: JWT, forms: [...configForms('id_token'), 'Authorization: Bearer {s}', 'https://app.example.com/callback#access_token={s}&state=x'] },
  {
    kind: 'private_key',
    secret: pem('PRIVATE KEY', 4, '\\n'),
    forms: [
      '{\n  "type": "service_account",\n  "private_key": "{s}\\n",\n  "client_email": "ci@acme.iam.gserviceaccount.com"\n}',
      'PRIVATE_KEY="{s}"',
    ],
  },
  {
    kind: 'github_token',
    secret: POSITIVES.github_token[0] as string,
    forms: [
      'git clone https://x-access-token:{s}@github.com/acme/app.git',
      'curl -H "Authorization: token {s}" https://api.github.com/user',
      'gh auth login --with-token <<< {s}',
    ],
  },
  {
    kind: 'gitlab_token',
    secret: POSITIVES.gitlab_token[0] as string,
    forms: ['git remote set-url origin https://oauth2:{s}@gitlab.com/acme/app.git', 'curl --header "PRIVATE-TOKEN: {s}" https://gitlab.com/api/v4/projects'],
  },
  {
    kind: 'huggingface_token',
    secret: POSITIVES.huggingface_token[0] as string,
    forms: ['huggingface-cli login --token {s}', 'from huggingface_hub import login; login("{s}")'],
  },
  {
    kind: 'npm_token',
    secret: synth(8, 14, '0123456789abcdef') + '-' + synth(4, 15, '0123456789abcdef') + '-4' + synth(3, 16, '0123456789abcdef') + '-a' + synth(3, 17, '0123456789abcdef') + '-' + synth(12, 18, '0123456789abcdef'),
    forms: ['//registry.npmjs.org/:_authToken={s}', 'npm config set //npm.pkg.github.com/:_authToken={s}', '_auth={s}\nalways-auth=true'],
  },
  {
    kind: 'slack_token',
    secret: POSITIVES.slack_token[3] as string,
    forms: ['SLACK_APP_TOKEN={s}', 'app = App(token=os.environ["SLACK_BOT_TOKEN"], app_token="{s}")'],
  },
  {
    kind: 'aws_secret_key',
    secret: AWS_SECRET,
    forms: [
      ...configForms('aws_secret_access_key'),
      '[default]\naws_access_key_id = {id}\naws_secret_access_key = {s}\nregion = eu-west-1',
      'User name,Password,Access key ID,Secret access key\nci-bot,,{id},{s}',
      'new BasicAWSCredentials("{id}", "{s}")',
      'boto3.client("s3", aws_access_key_id="{id}", aws_secret_access_key="{s}")',
      '| {id} | {s} |',
      'AWS_SECRET_ACCESS_KEY={s}',
      '{"Credentials": {"AccessKeyId": "{id}", "SecretAccessKey": "{s}", "Expiration": "2026-01-01T00:00:00Z"}}',
      'secretAccessKey: "{s}",',
      'aws_secret_key = "{s}"',
      'AWS Secret Access Key [None]: {s}',
      'AWS Secret Access Key [****************MPLE]: {s}',
      'aws configure set aws_secret_access_key {s}',
      '--aws-secret-access-key {s}',
    ],
  },
  {
    kind: 'azure_key',
    secret: POSITIVES.azure_key[0] as string,
    forms: [
      'client_secret={s}',
      '"CLIENT_SECRET": "{s}"',
      "Set-PSUAuthenticationMethod -Type 'OpenIDConnect' -ClientSecret '{s}'",
      '<value xsi:type="xsd:string">{s}</value>',
      '(use the client secret: {s})',
      'AZURE_CLIENT_SECRET={s}',
    ],
  },
  {
    kind: 'azure_key',
    secret: AZURE_ANNOTATED_KEY,
    forms: ['AZURE_OPENAI_API_KEY={s}', 'speech_key = "{s}"', 'curl -H "api-key: {s}" https://x.openai.azure.com/'],
  },
  {
    kind: 'azure_key',
    secret: synth(86, 19, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') + '==',
    forms: [
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={s};EndpointSuffix=core.windows.net',
      'AZURE_STORAGE_KEY={s}',
      'az storage blob list --account-name acme --account-key {s}',
    ],
  },
  {
    kind: 'azure_key',
    secret: synth(43, 20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') + '=',
    forms: ['Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={s}'],
  },
  {
    kind: 'azure_key',
    secret: synth(30, 21) + '%2B' + synth(10, 22) + '%3D',
    forms: [
      'https://acme.blob.core.windows.net/c/f.txt?sp=r&st=2026-01-30T23:04:30Z&se=2026-02-28T07:04:30Z&sv=2022-11-02&sr=c&sig={s}',
      '"sasUrl": "https://acme.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-12-31&sig={s}"',
    ],
  },
  {
    kind: 'gcp_service_account',
    secret: synth(40, 23, '0123456789abcdef'),
    forms: [
      '{\n  "type": "service_account",\n  "project_id": "acme-prod",\n  "private_key_id": "{s}",\n  "client_email": "ci@acme-prod.iam.gserviceaccount.com"\n}',
      '{"type":"service_account","private_key_id":"{s}"}',
    ],
  },
  {
    kind: 'url_credentials',
    secret: URL_PASSWORD,
    forms: [
      'DATABASE_URL=postgres://app:{s}@db.internal:5432/app',
      'postgresql://app_user:{s}@10.0.0.5/app?sslmode=require',
      'mongodb+srv://admin:{s}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority',
      'REDIS_URL=redis://:{s}@cache.internal:6379/0',
      'amqp://guest:{s}@rabbit:5672/%2F',
      'mysql://root:{s}@localhost:3306/shop',
      'spring.datasource.url=jdbc:mysql://app:{s}@db:3306/shop',
      '$ psql "postgres://reporting:{s}@replica.internal/analytics" -c "select 1"',
      'git clone https://deploy:{s}@git.example.com/acme/app.git',
      'ftp://uploader:{s}@ftp.example.com/incoming/',
      '<add key="Db" value="Server=db;Uri=sqlserver://sa:{s}@db.internal;" />',
    ],
  },
  {
    kind: 'url_credentials',
    secret: 'p@ss' + synth(8, 24),
    forms: ['postgres://app:{s}@db.internal/app'],
  },
  {
    kind: 'basic_auth',
    secret: basic('admin', synth(16, 25)),
    forms: [
      'Authorization: Basic {s}',
      'curl -H "Authorization: Basic {s}" https://api.example.com/v1/items',
      '{"headers": {"Authorization": "Basic {s}"}}',
      "requests.get(url, headers={'Authorization': 'basic {s}'})",
    ],
  },
  {
    kind: 'basic_auth',
    secret: 'P@ssw0rd$' + synth(6, 26),
    forms: [
      'curl --cacert ca.crt -u elastic:{s} https://localhost:9200',
      "curl -sw '%{http_code}' -X POST --user  'johns:{s}' $API_URL/$GIT_COMMIT --data",
      'curl --user roger23@example.com:{s} https://www.example.com/cli_link -v',
      'curl -s -v --user "j.smith:{s}" "https://api.example.org/user/me"',
      "curl --user kevin:'{s}' -iX PATCH -H \"Content-Type: application/json\" -d",
      '$ curl https://api.example.com/oauth2/token \\\n  --user c28wlsosanujy2z:{s} --data grant_type=authorization_code',
      'curl --user={s}',
    ].map((form) => (form === 'curl --user={s}' ? 'curl --user=svc:{s} https://x.example.com' : form)),
  },
  {
    kind: 'basic_auth',
    secret: synth(16, 62, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
    forms: ['sh-5.0$ curl -k -X POST https://infinispan:11222/rest/v2/caches/default/hello \\\n  -u developer:{s}'],
  },
  {
    kind: 'bearer_token',
    secret: synth(8, 63, '0123456789abcdef') + '-' + synth(4, 64, '0123456789abcdef') + '-' + synth(4, 65, '0123456789abcdef') + '-' + synth(12, 66, '0123456789abcdef'),
    forms: ["curl --header  'Authorization:  {s}'", 'curl -H "Authorization: Api-Token {s}" --request PUT https://api.example.com/v1'],
  },
  {
    kind: 'bearer_token',
    secret: 'tok_' + synth(30, 27),
    forms: [
      'Authorization: Bearer {s}',
      'curl -H "Authorization: Bearer {s}" https://api.example.com',
      'Authorization: Token {s}',
      '{"Authorization": "Token {s}"}',
      "headers = {'authorization': 'token {s}'}",
    ],
  },
  {
    kind: 'generic_secret',
    secret: GENERIC_PASSWORD,
    forms: [
      ...configForms('DB_PASSWORD'),
      ...configForms('password'),
      'spring.datasource.password={s}',
      'Server=db.internal;Database=shop;User Id=sa;Password={s};',
      'Data Source=db;Initial Catalog=shop;Uid=app;Pwd={s};',
      'mysql -u root --password={s} shop',
      'mysqldump --user=backup --password {s} shop > shop.sql',
      '$ PGPASSWORD={s} psql -h db.internal -U app',
      'docker login -u ci --password {s} registry.example.com',
      'https://api.example.com/login?user=bob&password={s}&remember=1',
      'kubectl create secret generic db --from-literal=password={s}',
      '\\"password\\": \\"{s}\\"',
      'SMTP_PASS={s}',
      'dbPass = "{s}"',
      '$password = "{s}";',
      '-Password \'{s}\'',
      '<add key="DbPassword" value="x" /><password>{s}</password>',
    ],
  },
  {
    kind: 'generic_secret',
    secret: GENERIC_TOKEN,
    forms: [
      ...configForms('client_secret'),
      ...configForms('apiKey'),
      'x-api-key: {s}',
      'X-Auth-Token: {s}',
      'curl -H "X-API-Key: {s}" https://api.example.com',
      'https://api.example.com/v1/items?access_token={s}&page=2',
      'WEBHOOK_SECRET={s}',
      'SECRET_KEY_BASE={s}',
      'JWT_SECRET={s}',
      'ENCRYPTION_KEY={s}',
      'aws_session_token = {s}',
      'AZURE_DEVOPS_PAT={s}',
      'creds = {s}',
      '"credentials" : "{s}"',
      'private-key: {s}',
      ' utils.GetEnvOrDefault("api_token", "{s}")',
      '--token {s}',
      '--api-key={s}',
    ],
  },
];

/**
 * Texts a credential name sits in without a literal secret (references, types, code, placeholders, public
 * values), adapted from gitleaks' generic-api-key and curl false positives and detect-secrets' keyword tests.
 */
export const ASSIGNMENT_NEAR_MISSES: readonly string[] = [
  // references and templates
  'password: ${{ secrets.DB_PASSWORD }}',
  'DB_PASSWORD=${DB_PASSWORD}',
  'export API_KEY=$API_KEY',
  'password = os.environ["DB_PASSWORD"]',
  'apiKey: process.env.OPENAI_API_KEY,',
  'password = getpass.getpass()',
  'token = getToken();',
  'token: authToken,',
  'password: "{{ .Values.db.password }}"',
  'password: <%= ENV["DB_PASSWORD"] %>',
  'password = %(db_password)s',
  'secret: !Ref DbSecret',
  'password: *default_password',
  'JFROG_SECRET = $(cat /run/secrets/jfrog_secret)',
  // types, words and empties
  'password: string;',
  'password?: string',
  'token: null',
  'secret = None',
  'password: ""',
  'token=',
  'GITHUB_API_KEY=\nDYNATRACE_API_KEY=',
  'snowflake.password=\njdbc.snowflake.url=',
  'password: required',
  'PuttyPassword=0',
  'password combination.\n\nR5: Regulatory--21',
  // placeholders
  'password: "********"',
  'password = "<your-password>"',
  'api_key = "YOUR_API_KEY_HERE"',
  'token: xxxxxxxxxxxxxxxxxxxx',
  'API_KEY=your-api-key-123',
  'password = "changeme"',
  'SECRET_KEY = "example-secret-key-123"',
  // names that are not credentials
  'max_tokens: 4096',
  '"usage": {"prompt_tokens": 12, "completion_tokens": 34, "total_tokens": 46}',
  '{"token": "Hello", "logprob": -0.31}',
  'token_type: "bearer"',
  'secret_name: prod-db-secret-v2',
  'LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"',
  'secret_length = X25519.secret_length',
  'access_token_url="https://github.com/login/oauth/access_token"',
  'publicToken = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"',
  'public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"',
  'primaryKey=' + synth(30, 40),
  'foreignKey=' + synth(30, 41),
  'key_down_event=' + synth(30, 42),
  'csrf-token=' + synth(40, 43),
  'nextPageToken: "' + synth(24, 44) + '"',
  'credentialsId: "ff083f76-7804-4ef1-80e4-fe975bb9141b"',
  'clientId = "73082700-1f09-405b-80d0-3131bfd6272d"',
  'author = "James Fake",',
  'author: jfake2024',
  'bypass = "cache2024"',
  'compass = "N12W044"',
  'oauth: enabled2',
  'IceSSL.KeyFile=s_rsa1024_priv.pem',
  'TOKEN_FILE=./secrets/token2.txt',
  'SSH_KEY_PATH=~/.ssh/id_ed25519',
  'password_hash = "$2b$12$' + synth(53, 45) + '"',
  'pwd: /home/runner/work2',
  'version = "token-2.3.1"',
  // seen in real agent traces (our own samples of the same shapes)
  "dependencies = [('auth', '0012_alter_user_first_name_max_length'), ('contenttypes', '0002_remove')]",
  'PASS: 1e-200\nFAIL: -1e-200',
  "{'PGPASSWORD': 'some:password', 'token': 'test_token_123'}",
  "password = 'sésame'",
  "user = User(pk=1, password='hashed_password_123')",
  "field_order = ['old_password', 'new_password1', 'new_password2']",
  // curl near misses (gitleaks' curl-auth-user false positives)
  "curl -i -u 'test:test'",
  '   curl -sL --user "$1:$2" "$3" > "$4"',
  'curl -u <user:password> https://test.com/endpoint',
  'curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/',
  'curl -u "myusername" http://localhost:15130/api/check_user/',
  'curl -u username:token',
  'curl -u "${_username}:${_password}"',
  'curl --user "xxx:yyy"',
  'curl -X POST --user "$(cat ./login.txt):$(cat ./password.txt)"',
  'curl http://127.0.0.1:5000/file --user user:pass --digest',
  'git push -u origin main',
  // URLs without a literal password
  'postgres://user:password@localhost:5432/db',
  'postgres://app:${DB_PASSWORD}@db/app',
  'redis://localhost:6379/0',
  'https://example.com:8443/path?q=1',
  'https://bob@example.com/profile',
  'ssh://git@github.com:22/acme/app.git',
  'mysql://root:<password>@localhost/db',
  'http://user:pass:word@example.com',
  'http://user:pass%40@example.com',
  'http://user:my-secret1@example.com',
  // Basic that is not a credential
  'a basic example of the problem',
  'Authorization: Basic $(echo -n $USER:$PASS | base64)',
  'Basic Authentication is deprecated',
  // AWS near misses
  'aws_secret_access_key = ' + 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY',
  'aws_access_key_id = ' + 'AKIA' + 'IOSFODNN7EXAMPLE',
  'aws_secret_access_key = ' + 'a'.repeat(40),
  'commit ' + synth(40, 46, '0123456789abcdef') + ' aws_secret_key rotated',
  // Azure near misses (gitleaks' azure-ad-client-secret false positives)
  "'url': 'http://www.2doc.nl/speel~VARA_101375237~mh17-het-verdriet-van-nederland~.html',",
  'buf.WriteString("~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\\n\\n::\\n\\n")',
  'client_secret=bP88Q~' + 'x'.repeat(34),
  'integrity: sha512-' + synth(86, 48, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') + '==',
  'https://example.com/a?sig=short',
  // GCP near misses
  '"private_key_id": "your-private-key-id"',
  // Hugging Face, GitLab, npm, AI key near misses
  'hf_hub_download(repo_id="gpt2", filename="config.json")',
  'hf_' + 'abcdefghijklmnopqrstuvwxyzabcdefgh',
  'glpat-XXXXXXXXXXX-XXXXXXXX',
  'glptt-' + 'x'.repeat(40),
  'GR1348941XXXXXXXXXXXXXXXXXXXX',
  'npm_' + 'x'.repeat(36),
  'npm_config_registry=https://registry.npmjs.org/',
  'sk-or-v1-' + '0'.repeat(64),
  'gsk_' + 'x'.repeat(52),
  'xai-' + 'X'.repeat(80),
  'pplx-' + 'x'.repeat(48),
  'xapp-1-xxx',
  'xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx',
  'xoxb-xoxb-my-bot-token',
  'ghp_' + 'x'.repeat(36),
  'ghs_' + 'x'.repeat(36),
  'github_pat_' + 'x'.repeat(22) + '_' + 'x'.repeat(59),
  'sk-your-openai-api-key-here-1234567890',
  // made-up values in public docs and rule tests: alphabet runs, "…HERE", too short, digits only, versions
  'sk-ant-api03-abc123xyz-456de-klMnopqrstuvwx-3456yza789bcde-1234fghijklmnopAA',
  'AIzaSyabcdefghijklmnopqrstuvwxyz1234567',
  'xoxe.xoxp-1-RANDOMSTRINGHERE',
  'xoxb-12345-abcd234',
  'GR134894112312312312312312312',
  'notes            = "Maven - io.jsonwebtoken:jjwt-jackson-0.11.2"',
  'sk_' + 'test_4eC39HqLyjWDarjtT1zdp7dc',
  'AKIAXXXXXXXXXXXXXXXX',
  'AIza' + 'a'.repeat(35),
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.' + 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
];

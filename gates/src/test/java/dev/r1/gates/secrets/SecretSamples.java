package dev.r1.gates.secrets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The labelled evaluation set for the secrets gate: planted secrets, synthetic but well-formed
 * (random from a seed, in each provider's format), and look-alikes that must raise no alarm.
 * Nothing here is a real credential.
 */
final class SecretSamples {
    record Sample(String kind, String path, String content) {}

    static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final String UPPER_NUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static final String HEX = "0123456789abcdef";
    static final String DIGITS = "0123456789";
    static final String B64 = ALNUM + "+/";
    static final String B64URL = ALNUM + "_-";
    static final String SYMBOLS = ALNUM + "!#%^*-_=+";

    private final Random r;

    SecretSamples(long seed) {
        this.r = new Random(seed);
    }

    String rand(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    String b64Bytes(int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    String b64url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    String uuid() {
        return new UUID(r.nextLong(), r.nextLong()).toString();
    }

    String pemBody(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) sb.append(rand(B64, 64)).append('\n');
        return sb.toString();
    }

    String jwt() {
        String header = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64url("{\"sub\":\"" + rand(DIGITS, 10) + "\",\"name\":\"" + rand(ALNUM, 8) + "\",\"iat\":" + (1_700_000_000L + r.nextInt(10_000_000)) + "}");
        return header + "." + payload + "." + rand(B64URL, 43);
    }

    List<Sample> planted() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample("aws-access-key-id", ".env", "AWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=AKIA" + rand(UPPER_NUM, 16) + "\n"));
        s.add(new Sample("aws-access-key-id", "deploy/config.py", "session_key_id = \"ASIA" + rand(UPPER_NUM, 16) + "\"\n"));
        s.add(new Sample("aws-secret-access-key", ".env.production", "AWS_SECRET_ACCESS_KEY=" + rand(B64, 40) + "\n"));
        s.add(new Sample("aws-secret-access-key", "home/.aws/credentials",
                "[default]\naws_access_key_id = AKIA" + rand(UPPER_NUM, 16) + "\naws_secret_access_key = " + rand(B64, 40) + "\n"));
        s.add(new Sample("aws-secret-access-key", "exports/credentials.csv",
                "User name,Access key ID,Secret access key\nci,AKIA" + rand(UPPER_NUM, 16) + "," + rand(B64, 40) + "\n"));
        s.add(new Sample("github-token", "scripts/release.sh", "export GH_TOKEN=ghp_" + rand(ALNUM, 36) + "\n"));
        s.add(new Sample("github-token", "config/oauth.json", "{\n  \"oauth\": \"gho_" + rand(ALNUM, 36) + "\"\n}\n"));
        s.add(new Sample("github-token", "ci/app.yaml", "installation:\n  token: ghs_" + rand(ALNUM, 36) + "\n"));
        s.add(new Sample("github-token", "tools/sync.go",
                "const pat = \"github_pat_" + rand(ALNUM, 22) + "_" + rand(ALNUM, 59) + "\"\n"));
        s.add(new Sample("gitlab-token", ".gitlab/clone.sh", "git clone https://oauth2@gitlab.com/x/y.git # glpat-" + rand(ALNUM + "_-", 20) + "\n"));
        s.add(new Sample("slack-token", "bots/notify.js", "const slack = new WebClient('xoxb-" + rand(DIGITS, 11) + "-" + rand(DIGITS, 13) + "-" + rand(ALNUM, 24) + "');\n"));
        s.add(new Sample("slack-token", "bots/user.py", "SLACK_USER_TOKEN = 'xoxp-" + rand(DIGITS, 12) + "-" + rand(DIGITS, 12) + "-" + rand(DIGITS, 13) + "-" + rand(HEX, 32) + "'\n"));
        s.add(new Sample("slack-webhook", "alerts/hook.yaml",
                "url: https://hooks.slack.com/services/T" + rand(UPPER_NUM, 8) + "/B" + rand(UPPER_NUM, 10) + "/" + rand(ALNUM, 24) + "\n"));
        s.add(new Sample("stripe-key", "billing/settings.rb", "Stripe.api_key = \"sk_live_" + rand(ALNUM, 24) + "\"\n"));
        s.add(new Sample("stripe-key", "billing/restricted.env", "STRIPE_RESTRICTED=rk_live_" + rand(ALNUM, 99) + "\n"));
        s.add(new Sample("google-api-key", "web/maps.html", "<script src=\"https://maps.googleapis.com/maps/api/js?key=AIza" + rand(B64URL, 35) + "\"></script>\n"));
        s.add(new Sample("google-oauth-secret", "web/oauth.json", "{\"client_secret\": \"GOCSPX-" + rand(B64URL, 28) + "\"}\n"));
        s.add(new Sample("openai-key", "agent/llm.py", "openai.api_key = \"sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20) + "\"\n"));
        s.add(new Sample("openai-key", "agent/.env", "OPENAI_API_KEY=sk-proj-" + rand(B64URL, 156) + "\n"));
        s.add(new Sample("anthropic-key", "agent/claude.ts", "const client = new Anthropic({ apiKey: 'sk-ant-api03-" + rand(B64URL, 93) + "AA' });\n"));
        s.add(new Sample("private-key", "deploy/id_rsa",
                "-----BEGIN RSA PRIVATE KEY-----\n" + pemBody(4) + "-----END RSA PRIVATE KEY-----\n"));
        s.add(new Sample("private-key", "deploy/id_ed25519",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n" + pemBody(3) + "-----END OPENSSH PRIVATE KEY-----\n"));
        s.add(new Sample("private-key", "gcp/service-account.json",
                "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + rand(B64, 64) + "\\n" + rand(B64, 64) + "\\n-----END PRIVATE KEY-----\\n\"}\n"));
        s.add(new Sample("private-key", "tls/server.key",
                "-----BEGIN EC PRIVATE KEY-----\n" + pemBody(3) + "-----END EC PRIVATE KEY-----\n"));
        s.add(new Sample("jwt", "tests/fixtures/session.txt", "session=" + jwt() + "\n"));
        s.add(new Sample("jwt", "scripts/call-api.sh", "curl -H \"Authorization: Bearer " + jwt() + "\" https://api.internal/v1/me\n"));
        s.add(new Sample("password-in-url", "docker-compose.prod.yml",
                "    environment:\n      DATABASE_URL: postgres://app:" + rand(ALNUM, 16) + "@db.internal:5432/app\n"));
        s.add(new Sample("password-in-url", "scripts/mirror.sh", "git push https://deploy:" + rand(ALNUM, 20) + "@git.company.net/team/repo.git\n"));
        s.add(new Sample("password-in-url", "config/cache.toml", "url = \"redis://:" + rand(ALNUM, 24) + "@cache-prod:6379/0\"\n"));
        s.add(new Sample("npm-token", ".npmrc", "//registry.npmjs.org/:_authToken=npm_" + rand(ALNUM, 36) + "\n"));
        s.add(new Sample("npm-token", "ci/publish.env", "NPM_TOKEN=npm_" + rand(ALNUM, 36) + "\n"));
        s.add(new Sample("generic-secret", "app/settings.py", "SECRET_KEY = \"" + rand(SYMBOLS, 50) + "\"\n"));
        s.add(new Sample("generic-secret", "config/oauth.yaml", "oauth:\n  client_secret: " + rand(ALNUM, 32) + "\n"));
        s.add(new Sample("generic-secret", "config/vendor.json", "{\"name\": \"maps\", \"apiKey\": \"" + rand(HEX, 32) + "\"}\n"));
        s.add(new Sample("generic-secret", ".env.local", "DB_PASSWORD=" + rand(SYMBOLS, 16) + "\n"));
        s.add(new Sample("generic-secret", "src/map.js", "const mapboxToken = 'pk." + b64url("{\"u\":\"acme\",\"a\":\"" + rand(ALNUM, 10) + "\"}") + "." + rand(B64URL, 22) + "';\n"));
        s.add(new Sample("hard-coded-password", "src/db.py", "conn = connect(host=\"db\", user=\"app\", password=\"Summer2024!\")\n"));
        s.add(new Sample("basic-auth", "scripts/probe.sh",
                "curl -H 'Authorization: Basic " + Base64.getEncoder().encodeToString(("ci:" + rand(ALNUM, 14)).getBytes(StandardCharsets.UTF_8)) + "' https://ci.internal/api\n"));
        s.add(new Sample("huggingface-token", "ml/download.py", "login(token=\"hf_" + rand(ALNUM, 34) + "\")\n"));
        s.add(new Sample("sendgrid-key", "mail/send.php", "$sg = new \\SendGrid('SG." + rand(B64URL, 22) + "." + rand(B64URL, 43) + "');\n"));
        s.add(new Sample("pypi-token", ".pypirc", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc" + rand(B64URL, 60) + "\n"));
        s.add(new Sample("digitalocean-token", "infra/do.tf", "provider \"digitalocean\" {\n  token = \"dop_v1_" + rand(HEX, 64) + "\"\n}\n"));
        s.add(new Sample("azure-storage-key", "appsettings.json",
                "{\"Storage\": \"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + rand(B64, 86) + "==;EndpointSuffix=core.windows.net\"}\n"));
        s.add(new Sample("shopify-token", "shop/admin.rb", "ShopifyAPI::Context.setup(api_key: ENV['K'], access_token: 'shpat_" + rand(HEX, 32) + "')\n"));
        return s;
    }

    List<Sample> lookAlikes() {
        List<Sample> s = new ArrayList<>();
        String sha40 = rand(HEX, 40);
        String sha64 = rand(HEX, 64);
        s.add(new Sample("uuid", "api/response.json", "{\"request_id\": \"" + uuid() + "\", \"status\": \"ok\"}\n"));
        s.add(new Sample("uuid", "db/seed.yaml", "- id: " + uuid() + "\n  name: Alice\n"));
        s.add(new Sample("uuid", "src/Ids.java", "static final UUID ROOT = UUID.fromString(\"" + uuid() + "\");\n"));
        s.add(new Sample("git-sha", "CHANGELOG.md", "- fixed the parser (commit " + sha40 + ")\n"));
        s.add(new Sample("git-sha", ".pre-commit-config.yaml", "- repo: https://github.com/psf/black\n  rev: " + rand(HEX, 40) + "\n"));
        s.add(new Sample("short-sha", "docs/notes.md", "Reverted in " + rand(HEX, 7) + ", see #123.\n"));
        s.add(new Sample("git-sha-json", "fixtures/commit.json", "{\"sha\": \"" + rand(HEX, 40) + "\", \"tree\": {\"sha\": \"" + rand(HEX, 40) + "\"}}\n"));
        s.add(new Sample("lockfile-integrity", "package-lock.json",
                "    \"node_modules/left-pad\": {\n      \"version\": \"1.3.0\",\n      \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\",\n      \"integrity\": \"sha512-" + b64Bytes(64) + "\"\n    }\n"));
        s.add(new Sample("lockfile-integrity", "yarn.lock", "left-pad@^1.3.0:\n  version \"1.3.0\"\n  integrity sha512-" + b64Bytes(64) + "\n"));
        s.add(new Sample("lockfile-checksum", "Cargo.lock", "[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nchecksum = \"" + sha64 + "\"\n"));
        s.add(new Sample("lockfile-hash", "go.sum", "github.com/google/uuid v1.6.0 h1:" + b64Bytes(32) + "\n"));
        s.add(new Sample("lockfile-hash", "poetry.lock", "files = [\n    {file = \"requests-2.32.0-py3-none-any.whl\", hash = \"sha256:" + rand(HEX, 64) + "\"},\n]\n"));
        s.add(new Sample("image-digest", "Dockerfile", "FROM python:3.12-slim@sha256:" + rand(HEX, 64) + "\n"));
        s.add(new Sample("sha256sums", "dist/SHA256SUMS", rand(HEX, 64) + "  r1-0.1.0.tar.gz\n"));
        s.add(new Sample("sri-hash", "web/index.html",
                "<script src=\"https://cdn.example.net/lib.js\" integrity=\"sha384-" + b64Bytes(48) + "\" crossorigin=\"anonymous\"></script>\n"));
        s.add(new Sample("base64-text", "src/banner.py",
                "WELCOME_BANNER = \"" + Base64.getEncoder().encodeToString("Welcome to the R1 orchestrator, have a nice day".getBytes(StandardCharsets.UTF_8)) + "\"\n"));
        s.add(new Sample("base64-text", "fixtures/note.json",
                "{\"note\": \"" + Base64.getEncoder().encodeToString("The quick brown fox jumps over the lazy dog again and again".getBytes(StandardCharsets.UTF_8)) + "\"}\n"));
        s.add(new Sample("aws-doc-example", "docs/aws.md", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"));
        s.add(new Sample("aws-doc-example", "docs/aws-credentials.md", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"));
        s.add(new Sample("key-prefix-in-prose", "README.md", "Set OPENAI_API_KEY to your key (it starts with sk-...).\n"));
        s.add(new Sample("key-prefix-in-prose", "docs/providers.md", "Anthropic keys look like `sk-ant-api03-...`; Google keys start with AIza.\n"));
        s.add(new Sample("placeholder-token", ".env.example", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"));
        s.add(new Sample("placeholder-token", ".env.sample", "SLACK_BOT_TOKEN=xoxb-your-token-here\n"));
        s.add(new Sample("placeholder-token", "config/example.yaml", "api_key: \"YOUR_API_KEY_HERE\"\n"));
        s.add(new Sample("env-reference", "config/db.py", "password = \"${DB_PASSWORD}\"\n"));
        s.add(new Sample("env-reference", "config/app.py", "api_key = os.environ[\"OPENAI_API_KEY\"]\n"));
        s.add(new Sample("env-reference", ".github/workflows/ci.yml", "        env:\n          token: ${{ secrets.GITHUB_TOKEN }}\n"));
        s.add(new Sample("env-reference", "infra/db.tf", "  password = var.db_password\n"));
        s.add(new Sample("env-reference", ".npmrc.example", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"));
        s.add(new Sample("template-password", "docs/install.md", "password: <your-password>\n"));
        s.add(new Sample("url-placeholder", ".env.template", "DATABASE_URL=postgres://user:${PGPASSWORD}@db:5432/app\n"));
        s.add(new Sample("url-placeholder", "docs/git.md", "Clone with https://user:password@example.com/repo.git if you must.\n"));
        s.add(new Sample("local-dev-url", "docker-compose.yml", "      DATABASE_URL: postgres://postgres:postgres@localhost:5432/dev\n"));
        s.add(new Sample("secret-named-metadata", "api/token.json", "{\"access_token_ttl\": 3600, \"token_type\": \"Bearer\"}\n"));
        s.add(new Sample("secret-named-metadata", "k8s/deploy.yaml", "        secretKeyRef:\n          name: db-credentials\n          key: password\n"));
        s.add(new Sample("secret-named-metadata", "src/cfg.py", "secret_name = \"prod-db-credentials\"\n"));
        s.add(new Sample("cache-key", "src/cache.py", "cache_key = \"user:42:profile\"\n"));
        s.add(new Sample("password-hash", "fixtures/users.py",
                "password_hash = \"$2b$12$" + rand(ALNUM + "./", 53) + "\"\n"));
        s.add(new Sample("public-key", "keys/signer.pub.pem", "-----BEGIN PUBLIC KEY-----\n" + pemBody(2) + "-----END PUBLIC KEY-----\n"));
        s.add(new Sample("certificate", "tls/ca.crt", "-----BEGIN CERTIFICATE-----\n" + pemBody(4) + "-----END CERTIFICATE-----\n"));
        s.add(new Sample("pem-parsing-code", "src/Pem.java", "if (line.startsWith(\"-----BEGIN PRIVATE KEY-----\")) inKey = true;\n"));
        s.add(new Sample("charset", "src/Ids.java", "private static final String ALPHABET = \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\";\n"));
        s.add(new Sample("identifier", "src/Beans.java", "register(\"AbstractSingletonProxyFactoryBeanConfigurationProperties\");\n"));
        s.add(new Sample("file-path", "config/tls.yaml", "private_key_path: /etc/ssl/private/server.key\nprivate_key: ./certs/dev.key\n"));
        s.add(new Sample("doc-bearer", "docs/api.md", "Send `Authorization: Bearer <token>` with every request.\n"));
        s.add(new Sample("jwt-in-prose", "docs/auth.md", "A token looks like eyJhbGciOiJIUzI1NiJ9.… (header, payload, signature).\n"));
        s.add(new Sample("css-color", "web/site.css", ".brand { color: #a1b2c3; background: #ffeedd; }\n"));
        s.add(new Sample("version", "build.gradle", "version = '1.2.3-beta.4+build.5678'\n"));
        return s;
    }
}

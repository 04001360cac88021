//! Record templates and their filling: benign log records in the formats a gateway's operators
//! see (syslog, JSON lines, nginx, Python and Java applications with tracebacks, Kubernetes
//! events, docker compose), the wrappers that put a matching message into such a log, and fake
//! secrets of several families. Placeholders are `{name}`; every value comes from the PRNG.

use super::prng::Rng;

/// Benign records. Multi-line records hold `\n`. None of them may contain a signature's anchor
/// (the no-hit run checks that nothing matches).
pub const BENIGN: &[&str] = &[
    // syslog
    "{ts_sys} {host} sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2",
    "{ts_sys} {host} sshd[{pid}]: Disconnected from user {user} {ip} port {port}",
    "{ts_sys} {host} sshd[{pid}]: Invalid user {user} from {ip} port {port}",
    "{ts_sys} {host} CRON[{pid}]: ({user}) CMD (/usr/local/bin/{word}-backup.sh >/dev/null 2>&1)",
    "{ts_sys} {host} systemd[1]: Started {word}-agent.service - {Word} agent.",
    "{ts_sys} {host} systemd[1]: {word}-agent.service: Deactivated successfully.",
    "{ts_sys} {host} systemd[1]: {word}-agent.service: Consumed {int}.{int3}s CPU time.",
    "{ts_sys} {host} kernel: [{int}.{int6}] IPv4: martian source {ip} from {ip}, on dev eth0",
    "{ts_sys} {host} containerd[{pid}]: time=\"{ts_iso}\" level=info msg=\"shim disconnected\" id={hex12} namespace=moby",
    "{ts_sys} {host} kubelet[{pid}]: I{mmdd} {hms}.{int6} {pid} kubelet.go:{int3}] \"SyncLoop UPDATE\" source=\"api\" pods=[\"{ns}/{pod}\"]",
    "{ts_sys} {host} dhclient[{pid}]: DHCPACK of {ip} from {ip}",
    // JSON lines
    "{\"ts\":\"{ts_iso}\",\"level\":\"info\",\"logger\":\"{logger}\",\"msg\":\"request completed\",\"method\":\"{method}\",\"path\":\"{path}\",\"status\":{status},\"duration_ms\":{int3},\"request_id\":\"{uuid}\"}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"debug\",\"logger\":\"{logger}\",\"msg\":\"cache miss\",\"cache_key\":\"{word}:{int}\"}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"info\",\"logger\":\"auth\",\"msg\":\"user signed in\",\"user\":\"{user}\",\"mfa\":true}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"info\",\"logger\":\"billing\",\"msg\":\"payment authorized\",\"amount_cents\":{int},\"currency\":\"EUR\",\"order\":{int}}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"info\",\"logger\":\"scheduler\",\"msg\":\"job scheduled\",\"job\":\"{task}\",\"run_at\":\"{ts_iso}\"}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"warn\",\"logger\":\"db\",\"msg\":\"slow query\",\"table\":\"{field}s\",\"duration_ms\":{int}}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"error\",\"logger\":\"api\",\"msg\":\"validation failed: field {field} must be a positive integer\",\"request_id\":\"{uuid}\"}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"info\",\"logger\":\"health\",\"msg\":\"health check ok\",\"checks\":{\"db\":\"ok\",\"queue\":\"ok\"}}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"info\",\"logger\":\"flags\",\"msg\":\"feature flag evaluated\",\"flag\":\"{word}-{word}\",\"value\":false}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"info\",\"logger\":\"gateway\",\"msg\":\"llm call finished\",\"model\":\"{model}\",\"prompt_tokens\":{int},\"completion_tokens\":{int3},\"latency_ms\":{int}}",
    // nginx
    "{ip} - - [{ts_clf}] \"{method} {path} HTTP/1.1\" {status} {int} \"-\" \"{ua}\"",
    "{ip} - - [{ts_clf}] \"GET /static/{word}.{int3}.js HTTP/1.1\" 304 0 \"https://{host}/\" \"{ua}\"",
    "{ip} - {user} [{ts_clf}] \"POST /v1/chat/completions HTTP/1.1\" 200 {int} \"-\" \"OpenAI/Python 1.{int3}.0\"",
    "{ip} - - [{ts_clf}] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\"",
    "{ts_nginx} [warn] {pid}#{pid}: *{int} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{int3}/{int3}/{int} while reading upstream, client: {ip}, server: {host}, request: \"GET {path} HTTP/1.1\", host: \"{host}\"",
    "{ts_nginx} [error] {pid}#{pid}: *{int} open() \"/usr/share/nginx/html/{word}.ico\" failed (2: No such file or directory), client: {ip}, server: {host}, request: \"GET /{word}.ico HTTP/1.1\", host: \"{host}\"",
    "{ts_nginx} [notice] {pid}#{pid}: signal process started",
    // Python applications
    "{ts_py} INFO [uvicorn.access] {ip}:{port} - \"GET {path} HTTP/1.1\" 200",
    "{ts_py} INFO [celery.worker.strategy] Task {task}[{uuid}] received",
    "{ts_py} INFO [celery.app.trace] Task {task}[{uuid}] succeeded in {int}.{int3}s: None",
    "{ts_py} WARNING [django.request] Not Found: {path}",
    "{ts_py} INFO [app.billing] invoice {int} generated for customer {int} total={int}.{int2} EUR",
    "{ts_py} DEBUG [sqlalchemy.engine.Engine] SELECT orders.id, orders.status FROM orders WHERE orders.customer_id = %(customer_id_1)s",
    "{ts_py} INFO [gunicorn.error] Booting worker with pid: {pid}",
    "{ts_py} WARNING [app.inventory] stock for sku {sku} below threshold ({int3} left)",
    "{ts_py} INFO [httpx] HTTP Request: POST https://api.example.com/v1/{word} \"HTTP/1.1 200 OK\"",
    "{ts_py} ERROR [app.tasks] Unhandled exception in task {task}\nTraceback (most recent call last):\n  File \"/srv/app/tasks/{word}.py\", line {int3}, in run\n    result = handler(payload)\n  File \"/srv/app/handlers.py\", line {int3}, in handler\n    return payload[\"{field}\"]\nKeyError: '{field}'",
    "{ts_py} ERROR [app.api] Exception on /api/orders/{int} [GET]\nTraceback (most recent call last):\n  File \"/srv/app/api/orders.py\", line {int3}, in show\n    order_id = int(request.args[\"id\"])\nValueError: invalid literal for int() with base 10: '{word}'",
    "{ts_py} ERROR [app.reports] report {int} failed\nTraceback (most recent call last):\n  File \"/srv/app/reports/ratio.py\", line {int3}, in build\n    share = part / total\nZeroDivisionError: division by zero",
    // Java applications
    "{ts_java}  INFO 1 --- [nio-8080-exec-{int2}] c.e.shop.web.OrderController            : Order {int} created for customer {int}",
    "{ts_java}  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080 (http) with context path '/'",
    "{ts_java}  WARN 1 --- [   scheduling-1] c.e.shop.jobs.ReconcileJob               : Reconcile skipped, previous run still active",
    "{ts_java} DEBUG 1 --- [ool-1 housekeeper] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Pool stats (total=10, active={int2}, idle={int2}, waiting=0)",
    "{ts_java} ERROR 1 --- [nio-8080-exec-{int2}] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception\njava.lang.IllegalStateException: Order {int} is already shipped\n\tat com.example.shop.service.OrderService.cancel(OrderService.java:{int3})\n\tat com.example.shop.web.OrderController.cancel(OrderController.java:{int3})\n\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\n\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)\n\tat java.base/java.lang.Thread.run(Thread.java:840)",
    "{ts_java} ERROR 1 --- [   scheduling-1] o.s.s.s.TaskUtils$LoggingErrorHandler    : Unexpected error occurred in scheduled task\njava.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null\n\tat com.example.shop.jobs.ExportJob.run(ExportJob.java:{int3})\n\tat java.base/java.util.concurrent.FutureTask.run(FutureTask.java:317)",
    // Kubernetes events (kubectl get events -A)
    "{ns}   {age}   Normal    Scheduled          pod/{pod}   Successfully assigned {ns}/{pod} to {node}",
    "{ns}   {age}   Normal    Pulled             pod/{pod}   Container image \"registry.example.com/{word}:1.{int2}.{int2}\" already present on machine",
    "{ns}   {age}   Normal    Created            pod/{pod}   Created container {word}",
    "{ns}   {age}   Normal    Started            pod/{pod}   Started container {word}",
    "{ns}   {age}   Warning   BackOff            pod/{pod}   Back-off restarting failed container {word} in pod {pod}_{ns}({uuid})",
    "{ns}   {age}   Normal    ScalingReplicaSet  deployment/{word}   Scaled up replica set {pod} to {int2}",
    "{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"{pod}.{hex16}\",\"namespace\":\"{ns}\"},\"reason\":\"Pulling\",\"message\":\"Pulling image \\\"registry.example.com/{word}:1.{int2}.0\\\"\",\"type\":\"Normal\",\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"{pod}\"},\"count\":1}",
    // container logs
    "[pod/{pod}/{word}] {ts_iso} INFO worker {int2} picked up batch {int} ({int3} items)",
    "web-1  | {ip} - - [{ts_clf}] \"GET {path} HTTP/1.1\" 200 {int}",
    "redis-1  | 1:M {ddmon} {hms}.{int3} * Background saving started by pid {pid}",
    "postgres-1  | {ts_pg} UTC [{pid}] LOG:  checkpoint complete: wrote {int} buffers ({int2}.{int}%)",
    "litellm-1  | INFO:     {ip}:{port} - \"POST /chat/completions HTTP/1.1\" 200 OK",
];

/// Wrappers for a matching or near-miss message of one line; `{msg}` is the message.
pub const WRAP_LINE: &[&str] = &[
    "{ts_iso} ERROR {msg}",
    "{ts_sys} {host} {word}-svc[{pid}]: {msg}",
    "{word}-1  | {ts_iso} ERROR {msg}",
    "[pod/{pod}/{word}] {ts_iso} {msg}",
    "{ts_py} ERROR [{logger}] {msg}",
    "{\"ts\":\"{ts_iso}\",\"level\":\"error\",\"logger\":\"{logger}\",\"msg\":\"{msg_json}\"}",
];

/// Wrappers for a message of several lines: a prefix on the first line, or a container prefix on
/// every line (`{cont}` is repeated on the following lines).
pub const WRAP_MULTI: &[(&str, bool)] =
    &[("{ts_iso} ERROR ", false), ("{ts_py} ERROR [{logger}] ", false), ("{word}-1  | ", true)];

/// Records that carry a fake secret of a family the redactor knows: (family, template).
pub const SECRETS: &[(&str, &str)] = &[
    (
        "openai-project-key",
        "{ts_py} DEBUG [app.config] loaded OPENAI_KEY_OVERRIDE sk-proj-{alnum40}",
    ),
    ("anthropic-key", "{ts_iso} DEBUG client init key=sk-ant-api03-{alnum40}"),
    (
        "aws-access-key-id",
        "{ts_sys} {host} agent[{pid}]: using credentials AKIA{upper16} for s3 sync",
    ),
    ("github-token", "{ts_iso} INFO cloning with token ghp_{alnum36}"),
    (
        "jwt",
        "{\"ts\":\"{ts_iso}\",\"level\":\"debug\",\"msg\":\"session\",\"session_jwt\":\"eyJhbGciOiJIUzI1NiJ9.eyJ{alnum40}.{alnum36}\"}",
    ),
    ("bearer-token", "{ts_py} DEBUG [httpx] headers: {'authorization': 'Bearer {alnum40}'}"),
    (
        "url-password",
        "{ts_py} INFO [app.db] connecting to postgres://app:{alnum16}@db.internal:5432/app",
    ),
    ("google-api-key", "{ts_iso} DEBUG maps client ready AIza{alnum36}"),
    ("slack-token", "{ts_iso} INFO notifier uses xoxb-{int}-{alnum36}"),
];

const WORDS: &[&str] = &[
    "orders", "catalog", "search", "checkout", "profile", "invoice", "report", "export", "media",
    "metrics", "ledger", "shipping", "pricing", "reviews", "session", "upload", "archive",
    "notify",
];
const USERS: &[&str] =
    &["alice", "bob", "carol", "deploy", "ubuntu", "svc-build", "jenkins", "mallory", "ops"];
const FIELDS: &[&str] =
    &["order_id", "customer_id", "sku", "quantity", "currency", "address", "email_verified"];
const TASKS: &[&str] = &[
    "app.tasks.send_receipt",
    "app.tasks.sync_inventory",
    "app.tasks.rebuild_index",
    "app.tasks.expire_carts",
];
const LOGGERS: &[&str] = &["api", "worker", "gateway", "app.routes", "proxy", "jobs.runner"];
const METHODS: &[&str] = &["GET", "GET", "GET", "POST", "PUT", "DELETE"];
const STATUSES: &[&str] = &["200", "200", "200", "201", "204", "301", "304", "404"];
const NAMESPACES: &[&str] = &["default", "shop", "payments", "monitoring", "ingress-nginx"];
const HOSTS: &[&str] = &["web01", "web02", "api-3", "worker-7", "edge-1", "db-replica"];
const MODELS: &[&str] =
    &["gpt-4o-mini", "claude-sonnet-4-5", "llama3.1:8b", "mistral-large-latest", "gemini-2.5-pro"];
const AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Go-http-client/2.0",
];
const PATHS: &[&str] = &[
    "/",
    "/api/orders",
    "/api/orders/{int}",
    "/api/users/{int}/profile",
    "/search?q={word}",
    "/static/app.css",
    "/metrics",
    "/v1/models",
];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A template split into literal text and placeholders.
#[derive(Debug, Clone)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Var(Var),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    TsSys,
    TsIso,
    TsPy,
    TsClf,
    TsNginx,
    TsJava,
    TsPg,
    Hms,
    Mmdd,
    DdMon,
    Host,
    Pid,
    Port,
    Ip,
    User,
    Word,
    WordCap,
    Int,
    Int2,
    Int3,
    Int6,
    Hex12,
    Hex16,
    Uuid,
    Ns,
    Pod,
    Node,
    Age,
    Logger,
    Method,
    Status,
    Path,
    Ua,
    Field,
    Task,
    Sku,
    Model,
    Alnum16,
    Alnum36,
    Alnum40,
    Upper16,
    Msg,
    MsgJson,
}

impl Var {
    fn from_name(name: &str) -> Option<Var> {
        Some(match name {
            "ts_sys" => Var::TsSys,
            "ts_iso" => Var::TsIso,
            "ts_py" => Var::TsPy,
            "ts_clf" => Var::TsClf,
            "ts_nginx" => Var::TsNginx,
            "ts_java" => Var::TsJava,
            "ts_pg" => Var::TsPg,
            "hms" => Var::Hms,
            "mmdd" => Var::Mmdd,
            "ddmon" => Var::DdMon,
            "host" => Var::Host,
            "pid" => Var::Pid,
            "port" => Var::Port,
            "ip" => Var::Ip,
            "user" => Var::User,
            "word" => Var::Word,
            "Word" => Var::WordCap,
            "int" => Var::Int,
            "int2" => Var::Int2,
            "int3" => Var::Int3,
            "int6" => Var::Int6,
            "hex12" => Var::Hex12,
            "hex16" => Var::Hex16,
            "uuid" => Var::Uuid,
            "ns" => Var::Ns,
            "pod" => Var::Pod,
            "node" => Var::Node,
            "age" => Var::Age,
            "logger" => Var::Logger,
            "method" => Var::Method,
            "status" => Var::Status,
            "path" => Var::Path,
            "ua" => Var::Ua,
            "field" => Var::Field,
            "task" => Var::Task,
            "sku" => Var::Sku,
            "model" => Var::Model,
            "alnum16" => Var::Alnum16,
            "alnum36" => Var::Alnum36,
            "alnum40" => Var::Alnum40,
            "upper16" => Var::Upper16,
            "msg" => Var::Msg,
            "msg_json" => Var::MsgJson,
            _ => return None,
        })
    }
}

impl Template {
    /// Parses `{name}` placeholders; braces that do not name a placeholder are literal text
    /// (JSON records are full of them).
    pub fn parse(text: &str) -> Template {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let var =
                after.find('}').and_then(|close| Var::from_name(&after[..close]).zip(Some(close)));
            match var {
                Some((var, close)) => {
                    literal.push_str(&rest[..open]);
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Var(var));
                    rest = &after[close + 1..];
                }
                None => {
                    literal.push_str(&rest[..=open]);
                    rest = after;
                }
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Template { parts }
    }
}

/// The fill state: the PRNG and a log clock that only moves forward.
#[derive(Debug)]
pub struct Filler {
    pub rng: Rng,
    /// Milliseconds since 1970-01-01.
    clock_ms: u64,
}

const HEX: &[u8; 16] = b"0123456789abcdef";
const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Filler {
    pub fn new(seed: u64) -> Filler {
        // 2025-03-01T00:00:00Z
        Filler { rng: Rng::new(seed), clock_ms: 1_740_787_200_000 }
    }

    /// Moves the clock forward between records.
    pub fn tick(&mut self) {
        self.clock_ms += self.rng.below(400);
    }

    /// Appends `template` filled in to `out`; `msg` fills `{msg}` and `{msg_json}`.
    pub fn fill(&mut self, template: &Template, msg: &str, out: &mut Vec<u8>) {
        for part in &template.parts {
            match part {
                Part::Text(text) => out.extend_from_slice(text.as_bytes()),
                Part::Var(var) => self.var(*var, msg, out),
            }
        }
    }

    fn civil(&self) -> (u64, u64, u64, u64, u64, u64, u64) {
        let ms = self.clock_ms % 1000;
        let secs = self.clock_ms / 1000;
        let (days, day_secs) = (secs / 86_400, secs % 86_400);
        // Howard Hinnant's civil_from_days, for days since 1970 (no dates before it here).
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        (year, month, day, day_secs / 3600, day_secs / 60 % 60, day_secs % 60, ms)
    }

    fn digits(&mut self, n: usize, out: &mut Vec<u8>) {
        for _ in 0..n {
            out.push(b'0' + self.rng.below(10) as u8);
        }
    }

    fn chars(&mut self, set: &[u8], n: usize, out: &mut Vec<u8>) {
        for _ in 0..n {
            out.push(set[self.rng.below(set.len() as u64) as usize]);
        }
    }

    fn pick(&mut self, items: &[&str], out: &mut Vec<u8>) {
        let item = *self.rng.pick(items);
        out.extend_from_slice(item.as_bytes());
    }

    fn var(&mut self, var: Var, msg: &str, out: &mut Vec<u8>) {
        use std::io::Write as _;
        let (y, mo, d, h, mi, s, ms) = self.civil();
        let mon = MONTHS[(mo - 1) as usize];
        match var {
            Var::TsSys => {
                let _ = write!(out, "{mon} {d:>2} {h:02}:{mi:02}:{s:02}");
            }
            Var::TsIso => {
                let _ = write!(out, "{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z");
            }
            Var::TsPy => {
                let _ = write!(out, "{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02},{ms:03}");
            }
            Var::TsClf => {
                let _ = write!(out, "{d:02}/{mon}/{y}:{h:02}:{mi:02}:{s:02} +0000");
            }
            Var::TsNginx => {
                let _ = write!(out, "{y}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02}");
            }
            Var::TsJava => {
                let _ = write!(out, "{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{ms:03}");
            }
            Var::TsPg => {
                let _ = write!(out, "{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{ms:03}");
            }
            Var::Hms => {
                let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
            }
            Var::Mmdd => {
                let _ = write!(out, "{mo:02}{d:02}");
            }
            Var::DdMon => {
                let _ = write!(out, "{d:02} {mon} {y}");
            }
            Var::Host => self.pick(HOSTS, out),
            Var::Pid => {
                let _ = write!(out, "{}", self.rng.range(2, 65_000));
            }
            Var::Port => {
                let _ = write!(out, "{}", self.rng.range(1024, 65_535));
            }
            Var::Ip => {
                let a = [10u64, 172, 192][self.rng.below(3) as usize];
                let _ = write!(
                    out,
                    "{a}.{}.{}.{}",
                    self.rng.below(256),
                    self.rng.below(256),
                    self.rng.range(1, 254)
                );
            }
            Var::User => self.pick(USERS, out),
            Var::Word => self.pick(WORDS, out),
            Var::WordCap => {
                let word = *self.rng.pick(WORDS);
                out.push(word.as_bytes()[0].to_ascii_uppercase());
                out.extend_from_slice(&word.as_bytes()[1..]);
            }
            Var::Int => {
                let _ = write!(out, "{}", self.rng.range(1, 99_999));
            }
            Var::Int2 => {
                let _ = write!(out, "{}", self.rng.range(1, 99));
            }
            Var::Int3 => {
                let _ = write!(out, "{}", self.rng.range(1, 999));
            }
            Var::Int6 => self.digits(6, out),
            Var::Hex12 => self.chars(HEX, 12, out),
            Var::Hex16 => self.chars(HEX, 16, out),
            Var::Uuid => {
                for (index, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
                    if index > 0 {
                        out.push(b'-');
                    }
                    self.chars(HEX, n, out);
                }
            }
            Var::Ns => self.pick(NAMESPACES, out),
            Var::Pod => {
                self.pick(WORDS, out);
                out.push(b'-');
                self.chars(b"bcdfghjklmnpqrstvwxz2456789", 5, out);
            }
            Var::Node => {
                let _ = write!(out, "node-pool-a-{}", self.rng.range(1, 12));
            }
            Var::Age => {
                let _ = write!(out, "{}m", self.rng.range(1, 59));
            }
            Var::Logger => self.pick(LOGGERS, out),
            Var::Method => self.pick(METHODS, out),
            Var::Status => self.pick(STATUSES, out),
            Var::Path => {
                let choice: &&str = self.rng.pick(PATHS);
                let path = Template::parse(choice);
                self.fill(&path, msg, out);
            }
            Var::Ua => self.pick(AGENTS, out),
            Var::Field => self.pick(FIELDS, out),
            Var::Task => self.pick(TASKS, out),
            Var::Sku => {
                self.chars(b"ABCDEFGHJKLMNPRSTUVWXYZ", 3, out);
                out.push(b'-');
                self.digits(5, out);
            }
            Var::Model => self.pick(MODELS, out),
            Var::Alnum16 => self.chars(ALNUM, 16, out),
            Var::Alnum36 => self.chars(ALNUM, 36, out),
            Var::Alnum40 => self.chars(ALNUM, 40, out),
            Var::Upper16 => self.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, out),
            Var::Msg => out.extend_from_slice(msg.as_bytes()),
            Var::MsgJson => {
                for c in msg.chars() {
                    match c {
                        '"' => out.extend_from_slice(b"\\\""),
                        '\\' => out.extend_from_slice(b"\\\\"),
                        '\t' => out.extend_from_slice(b"\\t"),
                        c => {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
            }
        }
    }
}

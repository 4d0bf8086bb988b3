/**
 * docker-compose.yml as `docker-compose config` resolves it, with the values .env.example asks for filled
 * in: the five services, their health checks, start order, restart policy, ports, volumes, and no secret
 * written in the file itself. Outside CI a machine without docker-compose skips it, saying why; in CI
 * (`CI=true`) it runs and fails.
 */
import assert from "node:assert/strict";
import { z } from "zod";

const ROOT = new URL("../", import.meta.url);
const COMPOSE_FILE = new URL("docker-compose.yml", ROOT).pathname;
const IN_CI = Deno.env.get("CI") === "true";
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));

async function run(program: string, args: string[], stdin?: string) {
  const child = new Deno.Command(program, {
    args,
    // Only what compose needs: a POSTGRES_PASSWORD in the caller's shell must not stand in for the env file.
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? "/tmp" },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  return { code, stdout: new TextDecoder().decode(stdout), stderr: new TextDecoder().decode(stderr) };
}

async function composeVersion(): Promise<string | null> {
  try {
    const { code, stdout } = await run("docker-compose", ["version", "--short"]);
    return code === 0 ? stdout.trim().replace(/^v/, "") : null;
  } catch {
    return null;
  }
}

const version = await composeVersion();
if (version === null && !IN_CI) {
  console.log(
    "compose_test: docker-compose not found (apt-get install docker-compose); its tests are ignored",
  );
}

const Port = z.union([
  z.string(),
  z.object({
    host_ip: z.string().optional(),
    published: z.coerce.number().optional(),
    target: z.coerce.number(),
  }),
]);
const Volume = z.union([
  z.string(),
  z.object({
    type: z.string(),
    source: z.string().optional(),
    target: z.string(),
    read_only: z.boolean().optional(),
  }),
]);
const Service = z.object({
  image: z.string().optional(),
  build: z.unknown().optional(),
  restart: z.string().optional(),
  environment: z.record(z.string(), z.string().nullable()).default({}),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).default({}),
  ports: z.array(Port).default([]),
  volumes: z.array(Volume).default([]),
  healthcheck: z.object({ test: z.array(z.string()), disable: z.boolean().optional() }).optional(),
});
const ComposeConfig = z.object({
  services: z.record(z.string(), Service),
  volumes: z.record(z.string(), z.unknown()).default({}),
});
type ComposeConfig = z.infer<typeof ComposeConfig>;

/**
 * `docker-compose config` with an env file in place of .env, as JSON. Compose v2 prints JSON itself;
 * v1 (Debian's 1.29, a Python program) only YAML, which PyYAML, one of its own dependencies, converts.
 */
async function composeConfig(envFile: string, ...extra: string[]) {
  const args = ["--env-file", envFile, "-f", COMPOSE_FILE, "config", ...extra];
  const v2 = !version?.startsWith("1.");
  const resolved = await run("docker-compose", v2 ? [...args, "--format", "json"] : args);
  if (resolved.code !== 0 || v2) return { ...resolved, config: resolved.code === 0 ? resolved.stdout : "" };
  const toJson = "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)";
  const converted = await run("python3", ["-c", toJson], resolved.stdout);
  assert.equal(converted.code, 0, `python3 could not read docker-compose's YAML: ${converted.stderr}`);
  return { ...resolved, config: converted.stdout };
}

/** .env.example's variables, with `fill` over them, written to a temporary env file. */
async function withEnvFile<T>(fill: Record<string, string>, use: (path: string) => Promise<T>): Promise<T> {
  const example = Object.fromEntries(
    (await read(".env.example")).split("\n").filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const dir = await Deno.makeTempDir({ prefix: "compose_env_" });
  try {
    const path = `${dir}/test.env`;
    const env = { ...example, ...fill };
    await Deno.writeTextFile(path, Object.entries(env).map(([key, value]) => `${key}=${value}\n`).join(""));
    return await use(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Ports as `host_ip:published->target`, whichever form compose printed them in. */
function ports(config: ComposeConfig, service: string): string[] {
  return config.services[service].ports.map((port) => {
    if (typeof port !== "string") return `${port.host_ip ?? ""}:${port.published ?? ""}->${port.target}`;
    const parts = port.replace(/\/tcp$/, "").split(":");
    const [target, published, host] = parts.reverse();
    return `${host ?? ""}:${published ?? ""}->${target}`;
  });
}

/** Mounts as `source:target[:ro]`, named volumes by name, bind mounts relative to the repository. */
function mounts(config: ComposeConfig, service: string): string[] {
  return config.services[service].volumes.map((volume) => {
    const [source, target, mode] = typeof volume === "string"
      ? volume.split(":")
      : [volume.source ?? "", volume.target, volume.read_only ? "ro" : "rw"];
    const relative = source.startsWith(ROOT.pathname) ? `./${source.slice(ROOT.pathname.length)}` : source;
    return `${relative}:${target}${mode === "ro" ? ":ro" : ""}`;
  });
}

const SERVICES = ["app", "grafana", "postgres", "prometheus", "redis"];
const secrets = {
  POSTGRES_PASSWORD: `pg-${crypto.randomUUID()}`,
  GRAFANA_DB_PASSWORD: `gfdb-${crypto.randomUUID()}`,
  GRAFANA_ADMIN_PASSWORD: `gf-${crypto.randomUUID()}`,
  CONTROL_TOKEN: `control-${crypto.randomUUID()}`,
  READ_TOKEN: `read-${crypto.randomUUID()}`,
};

Deno.test({
  name: "docker-compose config accepts the file and resolves the stack the collector expects",
  ignore: version === null && !IN_CI,
  async fn(t) {
    assert.ok(version, "docker-compose is not installed (CI installs it: apt-get install docker-compose)");
    const result = await withEnvFile(secrets, (envFile) => composeConfig(envFile));
    assert.equal(result.code, 0, result.stderr);
    const config = ComposeConfig.parse(JSON.parse(result.config));
    const { services } = config;

    await t.step("five services, each restarted unless stopped and with a health check", () => {
      assert.deepEqual(Object.keys(services).sort(), SERVICES);
      for (const [name, service] of Object.entries(services)) {
        // The root supervisor exits non-zero when it gives up; this is the restarter it counts on.
        assert.equal(service.restart, "unless-stopped", `${name}: restart`);
        const test = service.healthcheck?.test ?? [];
        assert.ok(
          !service.healthcheck?.disable && ["CMD", "CMD-SHELL"].includes(test[0]),
          `${name}: healthcheck`,
        );
      }
    });

    await t.step("the app's health check is the image's HEALTHCHECK", async () => {
      const image = (await read("Dockerfile")).match(
        /^HEALTHCHECK\b[^\n]*?(?:\\\n[^\n]*?)*CMD\s+(\[.*\])\s*$/m,
      );
      assert.ok(image, "the Dockerfile has no exec-form HEALTHCHECK");
      assert.deepEqual(services.app.healthcheck?.test, ["CMD", ...JSON.parse(image[1])]);
    });

    await t.step("each service starts once what it needs is healthy", () => {
      const needs = Object.fromEntries(
        Object.entries(services).map(([name, service]) => [
          name,
          Object.fromEntries(
            Object.entries(service.depends_on).map(([other, { condition }]) => [other, condition]),
          ),
        ]),
      );
      assert.deepEqual(needs.app, { postgres: "service_healthy", redis: "service_healthy" });
      assert.deepEqual(needs.grafana, { postgres: "service_healthy", prometheus: "service_healthy" });
      for (const [name, conditions] of Object.entries(needs)) {
        for (const [other, condition] of Object.entries(conditions)) {
          assert.equal(condition, "service_healthy", `${name} → ${other}`);
        }
      }
    });

    await t.step("the app, Grafana and Prometheus are published; PostgreSQL and Redis are not", () => {
      assert.deepEqual(ports(config, "app"), [":8080->8080"]);
      assert.deepEqual(ports(config, "grafana"), [":3000->3000"]);
      assert.deepEqual(ports(config, "prometheus"), ["127.0.0.1:9090->9090"]);
      for (const name of ["postgres", "redis"]) {
        for (const port of ports(config, name)) {
          assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port}`);
        }
      }
    });

    await t.step(
      "the app reaches PostgreSQL and Redis by service name and keeps DATA_DIR on a volume",
      () => {
        const env = services.app.environment;
        assert.equal(env.DATABASE_URL, `postgres://vatsim:${secrets.POSTGRES_PASSWORD}@postgres:5432/vatsim`);
        assert.equal(env.REDIS_URL, "redis://redis:6379");
        assert.equal(env.DATA_DIR, "/data");
        assert.equal(env.CONTROL_TOKEN, secrets.CONTROL_TOKEN);
        assert.equal(env.READ_TOKEN, secrets.READ_TOKEN);
        const postgres = services.postgres.environment;
        assert.deepEqual(
          [postgres.POSTGRES_USER, postgres.POSTGRES_DB, postgres.POSTGRES_PASSWORD],
          ["vatsim", "vatsim", secrets.POSTGRES_PASSWORD],
        );
        // Grafana logs in as the read-only role, and never learns the collector's password.
        assert.equal(postgres.GRAFANA_DB_PASSWORD, secrets.GRAFANA_DB_PASSWORD);
        assert.equal(services.grafana.environment.GRAFANA_DB_PASSWORD, secrets.GRAFANA_DB_PASSWORD);
        assert.equal(services.grafana.environment.POSTGRES_PASSWORD, undefined);
        assert.equal(services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD, secrets.GRAFANA_ADMIN_PASSWORD);
      },
    );

    await t.step("state lives in named volumes; Prometheus and Grafana read their config read-only", () => {
      assert.deepEqual(mounts(config, "app"), ["app-data:/data"]);
      assert.deepEqual(mounts(config, "postgres").sort(), [
        "./deploy/postgres/grafana_reader.sql:/opt/vatsim/grafana_reader.sql:ro",
        "./deploy/postgres/initdb:/docker-entrypoint-initdb.d:ro",
        "postgres-data:/var/lib/postgresql/data",
      ]);
      assert.deepEqual(mounts(config, "prometheus").sort(), [
        "./deploy/prometheus:/etc/prometheus:ro",
        "prometheus-data:/prometheus",
      ]);
      assert.deepEqual(mounts(config, "grafana").sort(), [
        "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro",
        "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
        "grafana-data:/var/lib/grafana",
      ]);
      const named = SERVICES.flatMap((name) => mounts(config, name)).map((mount) => mount.split(":")[0])
        .filter((source) => !source.startsWith("./"));
      for (const source of named) assert.ok(source in config.volumes, `${source} is not a named volume`);
    });
  },
});

Deno.test({
  name: "docker-compose config refuses to run while a required secret is unset or left empty",
  ignore: version === null && !IN_CI,
  async fn() {
    assert.ok(version, "docker-compose is not installed (CI installs it: apt-get install docker-compose)");
    for (const name of ["POSTGRES_PASSWORD", "GRAFANA_DB_PASSWORD", "GRAFANA_ADMIN_PASSWORD"]) {
      // As .env.example has it (empty): a copy that was not filled in stops here.
      const others = Object.fromEntries(Object.entries(secrets).filter(([key]) => key !== name));
      const result = await withEnvFile(others, (envFile) => composeConfig(envFile));
      assert.notEqual(result.code, 0, `config passed without ${name}`);
      assert.match(result.stderr, new RegExp(`set ${name} in \\.env`));
    }
  },
});

Deno.test({
  name: "docker-compose.yml writes no secret: every password and token comes from the environment",
  ignore: version === null && !IN_CI,
  async fn() {
    assert.ok(version, "docker-compose is not installed (CI installs it: apt-get install docker-compose)");
    const result = await withEnvFile(secrets, (envFile) => composeConfig(envFile, "--no-interpolate"));
    assert.equal(result.code, 0, result.stderr);
    const config = ComposeConfig.parse(JSON.parse(result.config));
    const reference = /^\$\{[A-Z_][A-Z0-9_]*(:?[-?][^}]*)?\}$/;
    for (const [name, service] of Object.entries(config.services)) {
      for (const [key, value] of Object.entries(service.environment)) {
        if (/PASSWORD|TOKEN|SECRET|_KEY$/.test(key)) assert.match(value ?? "", reference, `${name}: ${key}`);
        // A password inside a URL (user:password@host) is a secret too.
        const password = (value ?? "").match(/^\w+:\/\/[^:/@]+:([^@]+)@/)?.[1];
        if (password !== undefined) assert.match(password, reference, `${name}: ${key} holds a password`);
      }
    }
    // And in the file as written, whatever compose makes of it.
    const source = await read("docker-compose.yml");
    for (
      const match of source.matchAll(/^\s*-?\s*"?(\w*(?:PASSWORD|TOKEN|SECRET)\w*)"?\s*[:=]\s*(\S.*)$/gim)
    ) {
      assert.match(match[2].replace(/^["']|["']$/g, ""), reference, `docker-compose.yml: ${match[1]}`);
    }
    // Every variable the file reads is offered in .env.example, and no secret there has a usable value.
    const example = await read(".env.example");
    for (const name of new Set([...source.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]))) {
      const offered = example.match(new RegExp(`^${name}=(.*)$`, "m"));
      assert.ok(offered, `.env.example does not offer ${name}`);
      if (/PASSWORD|TOKEN|SECRET|_KEY$/.test(name)) assert.equal(offered[1], "", `.env.example sets ${name}`);
    }
  },
});

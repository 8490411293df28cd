import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

/** How to reach the API server as the identity of one kubeconfig context. */
export interface ApiConnection {
    server: string;
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    token?: string;
    insecure: boolean;
    servername?: string;
}

type Doc = Record<string, unknown>;
const record = (v: unknown): Doc => (v !== null && typeof v === "object" ? (v as Doc) : {});
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const named = (list: unknown, name: string): Doc => {
    const entry: unknown = Array.isArray(list) ? (list as unknown[]).find((e) => record(e).name === name) : undefined;
    return record(entry);
};

/** Parses kubeconfig text; a parse error says only where, never the text (it may hold a token). */
function parseKubeconfig(text: string, where: string): Doc {
    try {
        return record(parse(text));
    } catch {
        throw new Error(`${where} is not valid YAML`);
    }
}

/** Exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin) get this long. */
const EXEC_TIMEOUT_MS = 30_000;

/**
 * The kubeconfig document the Kubernetes provider would read: inline contents, a file path, or
 * (neither given) the first file of KUBECONFIG, else ~/.kube/config.
 */
export function readKubeconfig(kubeconfig: string | undefined): { doc: Doc; dir: string } {
    if (kubeconfig !== undefined && /(^|\n)\s*"?clusters"?\s*:/.test(kubeconfig))
        return { doc: parseKubeconfig(kubeconfig, "the inline kubeconfig"), dir: process.cwd() };
    const file =
        kubeconfig ??
        (process.env.KUBECONFIG ?? "").split(path.delimiter).find((f) => f !== "" && fs.existsSync(f)) ??
        path.join(os.homedir(), ".kube", "config");
    return { doc: parseKubeconfig(fs.readFileSync(file, "utf8"), file), dir: path.dirname(file) };
}

/** Resolves `context` (or the current one) into a server, its CA and the user's credentials. */
export async function apiConnection(
    kubeconfig: string | undefined,
    context: string | undefined,
): Promise<ApiConnection> {
    const { doc, dir } = readKubeconfig(kubeconfig);
    const contextName = context ?? text(doc["current-context"]);
    if (contextName === undefined) throw new Error("the kubeconfig names no current context");
    const ctx = record(named(doc.contexts, contextName).context);
    const cluster = record(named(doc.clusters, String(ctx.cluster)).cluster);
    const user = record(named(doc.users, String(ctx.user)).user);
    const server = text(cluster.server);
    if (server === undefined) throw new Error(`context ${contextName} has no cluster server`);
    const bytes = (data: unknown, file: unknown): Buffer | undefined => {
        const inline = text(data);
        if (inline !== undefined) return Buffer.from(inline, "base64");
        const name = text(file);
        return name === undefined ? undefined : fs.readFileSync(path.resolve(dir, name));
    };
    const tokenFile = text(user.tokenFile);
    const connection: ApiConnection = {
        server,
        ca: bytes(cluster["certificate-authority-data"], cluster["certificate-authority"]),
        cert: bytes(user["client-certificate-data"], user["client-certificate"]),
        key: bytes(user["client-key-data"], user["client-key"]),
        token: text(user.token) ?? (tokenFile === undefined ? undefined : fs.readFileSync(tokenFile, "utf8").trim()),
        insecure: cluster["insecure-skip-tls-verify"] === true,
        servername: text(cluster["tls-server-name"]),
    };
    if (user.exec !== undefined) return { ...connection, ...(await execCredential(record(user.exec), server)) };
    if (user["auth-provider"] !== undefined)
        throw new Error("the kubeconfig user has a legacy auth-provider, which the preflight cannot use");
    return connection;
}

/** Runs a client-go exec credential plugin and takes its token or client certificate. */
async function execCredential(exec: Doc, server: string): Promise<Partial<ApiConnection>> {
    const command = text(exec.command);
    if (command === undefined) throw new Error("the kubeconfig's exec plugin names no command");
    const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (Array.isArray(exec.env)) for (const e of exec.env) env[String(record(e).name)] = String(record(e).value);
    const apiVersion = text(exec.apiVersion) ?? "client.authentication.k8s.io/v1";
    env.KUBERNETES_EXEC_INFO = JSON.stringify({
        apiVersion,
        kind: "ExecCredential",
        spec: { interactive: false, cluster: { server } },
    });
    const stdout = await new Promise<string>((resolve, reject) =>
        execFile(command, args, { env, timeout: EXEC_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, out) =>
            error === null
                ? resolve(out)
                : reject(new Error(`the kubeconfig's exec plugin ${command} failed: ${error.message}`)),
        ),
    );
    const status = record(record(JSON.parse(stdout) as unknown).status);
    const cert = text(status.clientCertificateData);
    const key = text(status.clientKeyData);
    return {
        token: text(status.token),
        cert: cert === undefined ? undefined : Buffer.from(cert),
        key: key === undefined ? undefined : Buffer.from(key),
    };
}

import * as http from "http";
import * as https from "https";
import { ApiConnection } from "../kubeconfigAuth";
import { ResourceRule } from "./grants";

/** Each review request gets this long: the API server answers them from memory. */
const REQUEST_TIMEOUT_MS = 10_000;

type Doc = Record<string, unknown>;
const record = (v: unknown): Doc => (v !== null && typeof v === "object" ? (v as Doc) : {});

/** POSTs `body` to `path` of the API server as the connection's identity; the parsed answer, or an error naming the status. */
export function post(api: ApiConnection, path: string, body: Doc): Promise<Doc> {
    const url = new URL(path, api.server.endsWith("/") ? api.server : `${api.server}/`);
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
        // A plain-http server is rare but valid in a kubeconfig (a lab cluster, a test's fake API server).
        const client = url.protocol === "http:" ? http : https;
        const request = client.request(
            url,
            {
                method: "POST",
                ca: api.ca,
                cert: api.cert,
                key: api.key,
                servername: api.servername,
                rejectUnauthorized: !api.insecure,
                timeout: REQUEST_TIMEOUT_MS,
                headers: {
                    "content-type": "application/json",
                    accept: "application/json",
                    ...(api.token === undefined ? {} : { authorization: `Bearer ${api.token}` }),
                },
            },
            (response) => {
                let data = "";
                response.setEncoding("utf8");
                response.on("data", (chunk: string) => (data += chunk));
                response.on("end", () => {
                    const status = response.statusCode ?? 0;
                    if (status < 200 || status >= 300)
                        reject(new Error(`POST ${url.pathname} answered ${status}: ${data.slice(0, 200)}`));
                    else resolve(record(JSON.parse(data) as unknown));
                });
            },
        );
        request.on("timeout", () =>
            request.destroy(new Error(`POST ${url.pathname}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
        );
        request.on("error", reject);
        request.end(payload);
    });
}

/** Who the API server says the kubeconfig's identity is (SelfSubjectReview, Kubernetes 1.28+); undefined if it cannot say. */
export async function whoAmI(api: ApiConnection): Promise<{ username: string; groups: string[] } | undefined> {
    try {
        const review = await post(api, "apis/authentication.k8s.io/v1/selfsubjectreviews", {
            apiVersion: "authentication.k8s.io/v1",
            kind: "SelfSubjectReview",
        });
        const user = record(record(review.status).userInfo);
        const groups = Array.isArray(user.groups) ? user.groups.map(String) : [];
        return typeof user.username === "string" ? { username: user.username, groups } : undefined;
    } catch {
        return undefined;
    }
}

/** The identity's rules in `namespace` (SelfSubjectRulesReview); `incomplete` when an authorizer other than RBAC may allow more. */
export async function rulesIn(
    api: ApiConnection,
    namespace: string,
): Promise<{ rules: ResourceRule[]; incomplete: boolean }> {
    const review = await post(api, "apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectRulesReview",
        spec: { namespace },
    });
    const status = record(review.status);
    const rules = (Array.isArray(status.resourceRules) ? status.resourceRules : []).map((r): ResourceRule => {
        const rule = record(r);
        const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
        return {
            verbs: list(rule.verbs),
            apiGroups: list(rule.apiGroups),
            resources: list(rule.resources),
            resourceNames: list(rule.resourceNames),
        };
    });
    return { rules, incomplete: status.incomplete === true };
}

/** Whether the identity may `verb` `group`/`resource` in `namespace` (SelfSubjectAccessReview: every authorizer answers). */
export async function mayDo(
    api: ApiConnection,
    attributes: { namespace: string; group: string; resource: string; verb: string },
): Promise<boolean> {
    const review = await post(api, "apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: attributes },
    });
    return record(review.status).allowed === true;
}

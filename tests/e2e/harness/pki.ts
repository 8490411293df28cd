import * as fs from "fs";
import * as path from "path";
import { run } from "./processes";

/** Key material of one test control plane, all files in `dir`. */
export interface Pki {
    caCert: string;
    caKey: string;
    serverCert: string;
    serverKey: string;
    /** Service-account token signing key pair. */
    saKey: string;
    saPub: string;
}

/**
 * A throwaway CA, a serving certificate for 127.0.0.1 / localhost signed by it, and a
 * service-account signing key, made with openssl (Debian's) in `dir`.
 */
export function makePki(dir: string): Pki {
    fs.mkdirSync(dir, { recursive: true });
    const f = (name: string) => path.join(dir, name);
    const openssl = (...args: string[]) => run("openssl", args);
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stevedore-e2e-ca", "-keyout", f("ca.key"), "-out", f("ca.crt"));
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=kube-apiserver", "-keyout", f("server.key"), "-out", f("server.csr"));
    fs.writeFileSync(f("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n");
    openssl("x509", "-req", "-in", f("server.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", f("server.ext"), "-out", f("server.crt"));
    openssl("genrsa", "-out", f("sa.key"), "2048");
    openssl("rsa", "-in", f("sa.key"), "-pubout", "-out", f("sa.pub"));
    return { caCert: f("ca.crt"), caKey: f("ca.key"), serverCert: f("server.crt"), serverKey: f("server.key"), saKey: f("sa.key"), saPub: f("sa.pub") };
}

/**
 * A client certificate for user `user` in `groups` (the API server reads CN as the user name and
 * each O as a group), signed by the control plane's CA: an identity RBAC knows only through the
 * bindings a test gives it. Returns the certificate and key files, written to `dir`.
 */
export function clientCertificate(pki: Pki, dir: string, user: string, groups: string[]): { cert: string; key: string } {
    fs.mkdirSync(dir, { recursive: true });
    const f = (name: string) => path.join(dir, `${user}.${name}`);
    const subject = `/CN=${user}${groups.map((g) => `/O=${g}`).join("")}`;
    run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", f("key"), "-out", f("csr")]);
    fs.writeFileSync(f("ext"), "extendedKeyUsage=clientAuth\n");
    run("openssl", ["x509", "-req", "-in", f("csr"), "-CA", pki.caCert, "-CAkey", pki.caKey, "-CAcreateserial", "-days", "2", "-extfile", f("ext"), "-out", f("crt")]);
    return { cert: f("crt"), key: f("key") };
}

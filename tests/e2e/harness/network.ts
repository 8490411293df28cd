import * as crypto from "crypto";
import * as fs from "fs";
import { atExit, run } from "./processes";

/** A `<prefix>.x` /24 (prefix like `10.231`) that no interface on this machine has an address in. */
export function freeSubnet(prefix: string): string {
    const used = run("ip", ["-4", "-o", "addr", "show"]);
    for (let i = 0; i < 50; i++) {
        const candidate = `${prefix}.${crypto.randomInt(1, 255)}`;
        if (!used.includes(` ${candidate}.`)) return candidate;
    }
    throw new Error(`no free ${prefix}.x.0/24 subnet on this machine`);
}

/** An interface name of ours: at most 15 characters, random so parallel runs never share one. */
export function linkName(prefix: string): string {
    return `${prefix}${crypto.randomBytes(4).toString("hex")}`;
}

/** Creates a network link (`ip link add name NAME type KIND`) and registers its removal; returns the remover. */
export function addLink(name: string, kind: string): () => void {
    run("ip", ["link", "add", "name", name, "type", kind]);
    return atExit(() => run("ip", ["link", "delete", name]));
}

/** Sets a sysctl under /proc/sys and registers putting the old value back; returns the restorer. */
export function setSysctl(key: string, value: string): () => void {
    const file = `/proc/sys/${key.replace(/\./g, "/")}`;
    const old = fs.readFileSync(file, "utf8").trim();
    if (old === value) return () => undefined;
    fs.writeFileSync(file, value);
    return atExit(() => fs.writeFileSync(file, old));
}

import * as crypto from "crypto";
import { encodeBase64, hashSync } from "bcryptjs";

/**
 * One htpasswd line (bcrypt, as the registry requires) for `username`/`password`.
 *
 * The salt is derived from the credentials rather than drawn at random: a random salt would change
 * the file, and so replace the registry container, on every `pulumi up`. The file only lives
 * inside a loopback-only development registry, where that trade-off is sound.
 */
export function htpasswdLine(username: string, password: string): string {
    const seed = crypto.createHash("sha256").update(`stevedore-htpasswd\0${username}\0${password}`).digest();
    const salt = `$2b$10$${encodeBase64([...seed.subarray(0, 16)], 16)}`;
    return `${username}:${hashSync(password, salt)}\n`;
}

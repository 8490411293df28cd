import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

/** Every file under `dir`, depth first. */
export function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every file under `dir`, read whole (latin1: state files may hold binary; the strings searched for are ASCII). */
export function readTree(dir: string): string {
    return filesUnder(dir)
        .map((f) => fs.readFileSync(f, "latin1"))
        .join("\n");
}

interface RenderedObject {
    kind?: string;
    metadata?: { name: string };
    spec?: { template: { spec: { containers: { image: string }[] } } };
}

/** App name -> image of every Deployment in the rendered YAML under `dir`. */
export function renderedDeployments(dir: string): Map<string, string> {
    const images = new Map<string, string>();
    for (const file of filesUnder(dir).filter((f) => f.endsWith(".yaml"))) {
        for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
            const obj = doc.toJS() as RenderedObject | null;
            if (obj?.kind === "Deployment" && obj.metadata !== undefined && obj.spec !== undefined) {
                images.set(obj.metadata.name, obj.spec.template.spec.containers[0].image);
            }
        }
    }
    return images;
}

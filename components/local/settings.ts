import { z } from "zod";

const registry = z
    .strictObject({
        /** `container`: stevedore runs a registry container; `existing`: use a registry already running. */
        mode: z.enum(["container", "existing"]).default("container"),
        /** Host name clients use for the container registry; the nodes of a kind cluster map it to the container. */
        host: z
            .string()
            .regex(/^[a-z0-9.-]+$/, { message: "must be a host name or IPv4 address" })
            .default("localhost"),
        port: z.number().int().min(1024).max(65535).default(5001),
        image: z.string().min(1).default("registry:2"),
        containerName: z
            .string()
            .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { message: "must be a Docker container name" })
            .default("stevedore-registry"),
        /** Docker network to attach the registry container to, e.g. `kind`, so cluster nodes reach it by name. */
        network: z.string().min(1).optional(),
        /** Address (`host:port[/namespace]`) of an existing registry; required when mode is `existing`. */
        address: z
            .string()
            .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, {
                message: "must look like host:port or host:port/namespace",
            })
            .optional(),
    })
    .superRefine((r, ctx) => {
        if (r.mode === "existing" && r.address === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["address"],
                message: 'is required when mode is "existing" (e.g. localhost:5000)',
            });
        }
        if (r.mode === "container" && r.address !== undefined) {
            ctx.addIssue({ code: "custom", path: ["mode"], message: 'must be "existing" when an address is given' });
        }
    });

/** Settings of `stevedore:target: local`, read from the `stevedore:local` key. Everything has a default. */
export const localSettingsSchema = z
    .strictObject({
        registry: registry.prefault({}),
        /** Path to a kubeconfig file; the default is the usual KUBECONFIG / ~/.kube/config lookup. */
        kubeconfig: z.string().min(1).optional(),
        /** Context inside that kubeconfig, e.g. `kind-stevedore`, `minikube`, `docker-desktop`. */
        context: z.string().min(1).optional(),
    })
    .prefault({});

export type LocalSettings = z.output<typeof localSettingsSchema>;

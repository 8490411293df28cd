// Lint for the whole repository: `npm run lint` (eslint .).
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

// The sample apps are plain CommonJS for Node; eslint ships no globals list, so name the few they use.
const nodeGlobals = Object.fromEntries(
    [
        "require",
        "module",
        "exports",
        "process",
        "console",
        "__dirname",
        "Buffer",
        "URL",
        "fetch",
        "AbortSignal",
        "setTimeout",
        "clearTimeout",
    ].map((name) => [name, "readonly"]),
);

export default defineConfig(
    { ignores: ["**/node_modules/**", "bin/**", "rendered/**"] },
    js.configs.recommended,
    {
        files: ["**/*.ts"],
        extends: [tseslint.configs.recommendedTypeChecked],
        languageOptions: {
            // Type information is needed by @pulumi/eslint-plugin (it asks whether a value is an Output)
            // and by the type-checked rules; each file uses its nearest tsconfig (root or policy/).
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        // The plugin exports rules only, no preset: these two are its whole recommendation.
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-non-null-assertion": "error",
        },
    },
    {
        files: ["apps/**/*.js", "main.js", "scripts/**/*.js"],
        languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
    },
);

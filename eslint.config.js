// `npm run lint` (also part of `npm test`): ESLint's and typescript-eslint's recommended rules,
// syntax-based. The type-aware set took 66 s on this project's two cores against 12 s for this
// one, and `tsc` already checks the types.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** What plain .js/.mjs files (the launchers, scripts, test fixtures) may use without importing. */
const nodeGlobals = {
  process: "readonly",
  console: "readonly",
  Buffer: "readonly",
  URL: "readonly",
  setTimeout: "readonly",
  clearTimeout: "readonly",
  performance: "readonly",
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "stacks/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ["test/**"],
    rules: {
      // Tests read mock inputs the Pulumi runtime leaves untyped, and match column-aligned output.
      "@typescript-eslint/no-explicit-any": "off",
      "no-regex-spaces": "off",
    },
  },
  {
    rules: {
      // `_name` marks a parameter a signature needs but the body does not.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
);

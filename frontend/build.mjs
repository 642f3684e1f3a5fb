// Builds the front-end assets into static/dist/ (git-ignored), from node_modules only:
// nothing is fetched at build or run time.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "frontend", "lscp.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
// Neither the GOV.UK typeface nor its crest may be named (frontend/lscp.scss, _images.scss).
if (result.css.includes("GDS Transport") || result.css.includes("@font-face")) {
  throw new Error("GDS Transport is still referenced: check $govuk-font-family");
}
if (result.css.includes("govuk-crest")) {
  throw new Error("The GOV.UK crest is still referenced: check frontend/_images.scss");
}
writeFileSync(join(out, "lscp.css"), result.css);

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
console.log(`built ${out}: lscp.css (${result.css.length} bytes), govuk-frontend.min.js`);

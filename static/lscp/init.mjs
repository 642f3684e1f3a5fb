// Progressive enhancement only: every page works without it.
import { initAll } from "../dist/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout.mjs";

initAll();
initTimeoutWarning();

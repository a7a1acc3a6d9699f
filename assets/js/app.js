// Tracker's JavaScript entry point, loaded as <script type="module">.
// Everything works without JavaScript; this only enhances GOV.UK components
// (Exit this page shortcut, service navigation menu, error summary focus).
import { initAll } from './govuk-frontend.min.js'

initAll()

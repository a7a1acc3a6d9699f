// Build Tracker's committed front-end assets (no dependencies beyond sass).
//   assets/scss/app.scss                                   -> tracker/static/css/app.css
//   node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js -> tracker/static/js/
//   assets/js/app.js                                       -> tracker/static/js/app.js
// GOV.UK crown images and GDS Transport fonts are deliberately not copied.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const staticDir = join(root, 'tracker', 'static')

const result = sass.compile(join(root, 'assets', 'scss', 'app.scss'), {
  style: 'compressed',
  sourceMap: false,
  importers: [new sass.NodePackageImporter(root)],
  // Keep GOV.UK Frontend's own deprecation notices out of our build output.
  quietDeps: true
})
await mkdir(join(staticDir, 'css'), { recursive: true })
await writeFile(join(staticDir, 'css', 'app.css'), result.css + '\n')

await mkdir(join(staticDir, 'js'), { recursive: true })
const copies = [
  [join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'govuk-frontend.min.js'), 'govuk-frontend.min.js'],
  [join(root, 'assets', 'js', 'app.js'), 'app.js']
]
for (const [from, name] of copies) {
  // We do not ship source maps, so drop the comment that would make browsers ask for one.
  const js = (await readFile(from, 'utf8')).replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
  await writeFile(join(staticDir, 'js', name), js)
}

console.log('Built tracker/static/css/app.css and tracker/static/js/{govuk-frontend.min.js,app.js}')

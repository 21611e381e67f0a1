import type { catalogCalls } from '../../src-common/calls/catalog';
import { columnOfRowError } from '../services/catalog-csv';
import { createCatalogEditor } from '../services/catalog-editor';
import type { UploadsService } from '../services/uploads';
import type { Area, CoreServices } from './context';

/** What the catalog area uses of the terminal's services. */
export type CatalogAreaDeps = Pick<CoreServices, 'db' | 'clock' | 'audit' | 'catalog' | 'settings' | 'sqlWorker' | 'config'>;

/** The owner's products screen and the cashier's product grid (issue 16). */
export function createCatalogArea(deps: CatalogAreaDeps, uploads: Pick<UploadsService, 'take'>): Area<typeof catalogCalls> {
  const { catalog, settings, sqlWorker, clock } = deps;
  const allowedTaxRatesBp = () => settings.get().taxRates.map((r) => r.rateBp);
  const editor = createCatalogEditor({ ...deps, allowedTaxRatesBp, weighedPrefixes: deps.config.scaleLabel.prefixes });
  return {
    handlers: {
      'catalog.list': (input) => editor.list(input),
      'catalog.categories': () => editor.categories(),
      'catalog.inCategory': ({ categoryId }) => catalog.byCategory(categoryId),
      'catalog.save': ({ productId, product }, session) => editor.save(productId, product, session.caller),
      'catalog.setActive': ({ productId, active }, session) => editor.setActive(productId, active, session.caller),
      'catalog.addCategory': ({ name }, session) => editor.addCategory(name, session.caller),
      'catalog.renameCategory': ({ categoryId, name }, session) => editor.renameCategory(categoryId, name, session.caller),
      'catalog.reorderCategories': ({ categoryIds }, session) => editor.reorderCategories(categoryIds, session.caller),
      'catalog.previewCsv': async (input, session) => {
        const rates = allowedTaxRatesBp();
        const source = 'csv' in input ? { csv: input.csv } : { csvFile: await uploads.take(input.uploadId, 'catalog-csv', session) };
        // Read in the SQL worker (100,000 rows take seconds), the same checks as the import, nothing written.
        const result = await sqlWorker.run('catalog.preview', { ...source, now: clock.now().toISOString(), ...(rates.length ? { allowedTaxRatesBp: rates } : {}) });
        return {
          toAdd: result.inserted,
          toChange: result.updated,
          unchanged: result.unchanged,
          errors: result.skipped.map((s) => ({ line: s.line, column: columnOfRowError(s.code), code: s.code, message: s.message })),
        };
      },
    },
  };
}

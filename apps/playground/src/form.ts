// The setup form: drawn from a setup, read back as one (through the URL parser, so the form and a shared link are
// validated the same way). Activations are picked as kind (ReLU, SUGAR, forward), surrogate, alpha and region.
import { listSurrogates, parseActivation, resolveActivation, surrogateDefinition } from '@sugar-lab/core';
import { BACKEND_CHOICES, DATASETS, encodeSetup, MAX_ACTIVATIONS, OPTIMIZERS, parseSetup, type PlaygroundSetup } from './setup';

const NUMBER_FIELDS = ['n', 'depth', 'width', 'lr', 'batch', 'seed', 'steps'] as const;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const select = (name: string, options: readonly string[], value: string) =>
  el(
    'select',
    { name },
    options.map((o) => {
      const opt = el('option', { value: o }, [o]);
      opt.selected = o === value;
      return opt;
    }),
  );

const labeled = (text: string, control: HTMLElement) => el('label', {}, [text, control]);

/** One activation's controls, filled from a canonical string (or empty: not used). */
function activationRow(i: number, label: string | undefined): HTMLElement {
  const r = label ? resolveActivation(parseActivation(label)) : undefined;
  const kind = r?.kind ?? 'none';
  const surrogate = r && r.kind !== 'relu' ? r.surrogate.name : 'bsilu';
  const alpha = r && r.kind !== 'relu' && 'alpha' in r.surrogate.params ? String(r.surrogate.params.alpha) : '';
  const region = r?.kind === 'sugar' ? r.region : 'all';
  return el('fieldset', { 'data-act': String(i) }, [
    el('legend', {}, [`activation ${i + 1}`]),
    el('div', { class: 'row' }, [select(`kind${i}`, ['none', 'relu', 'sugar', 'forward'], kind), select(`surrogate${i}`, listSurrogates(), surrogate)]),
    el('div', { class: 'row' }, [
      el('input', { name: `alpha${i}`, placeholder: 'alpha (default)', value: alpha, inputmode: 'decimal' }),
      select(`region${i}`, ['all', 'negative'], region),
    ]),
  ]);
}

/**
 * Fills `form` with the controls for `setup`.
 *
 * @param form the page's form
 * @param setup the setup to show
 */
export function renderForm(form: HTMLFormElement, setup: PlaygroundSetup): void {
  form.replaceChildren(
    labeled('dataset', select('dataset', DATASETS, setup.dataset)),
    ...NUMBER_FIELDS.map((f) =>
      labeled(f === 'n' ? 'samples' : f === 'lr' ? 'learning rate' : f, el('input', { name: f, value: String(setup[f]), inputmode: 'decimal' })),
    ),
    labeled('optimizer', select('opt', OPTIMIZERS, setup.optimizer)),
    labeled('backend', select('backend', BACKEND_CHOICES, setup.backend)),
    ...Array.from({ length: MAX_ACTIVATIONS }, (_, i) => activationRow(i, setup.activations[i])),
  );
}

// The canonical-string form of one activation row, or undefined when it is not used.
// A form field's text (every field here is text: no file inputs).
const text = (data: FormData, key: string) => {
  const v = data.get(key);
  return typeof v === 'string' ? v : '';
};

function rowActivation(data: FormData, i: number): string | undefined {
  const kind = text(data, `kind${i}`);
  if (kind === 'none') return undefined;
  if (kind === 'relu') return 'relu';
  const name = text(data, `surrogate${i}`);
  const alpha = text(data, `alpha${i}`).trim();
  const hasAlpha = alpha !== '' && 'alpha' in (surrogateDefinition(name).params ?? {});
  if (kind === 'forward') return hasAlpha ? `${name}(alpha=${alpha})` : name;
  const args = [name, ...(hasAlpha ? [`alpha=${alpha}`] : []), ...(data.get(`region${i}`) === 'negative' ? ['region=negative'] : [])];
  return `sugar(${args.join(',')})`;
}

/**
 * The setup the form describes (kept paused or running as `current` is), checked as a URL would be: throws a
 * PlaygroundSetupError naming each bad field.
 *
 * @param form the page's form
 * @param current the setup running now
 */
export function readForm(form: HTMLFormElement, current: PlaygroundSetup): PlaygroundSetup {
  const data = new FormData(form);
  const params = new URLSearchParams();
  for (const key of ['dataset', ...NUMBER_FIELDS, 'opt', 'backend']) params.set(key, text(data, key));
  for (let i = 0; i < MAX_ACTIVATIONS; i++) {
    const a = rowActivation(data, i);
    if (a) params.append('act', a);
  }
  if (!params.has('act')) params.append('act', 'relu');
  return parseSetup(encodeSetup({ ...parseSetup(params.toString()), paused: current.paused }));
}

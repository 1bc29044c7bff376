// A checkbox you can type into to narrow the list: the org may have hundreds of segment definitions, and
// @inquirer/prompts' checkbox cannot filter. Used only through prompts.ts (the one interactive module).
import {
  createPrompt,
  isBackspaceKey,
  isDownKey,
  isEnterKey,
  isSpaceKey,
  isUpKey,
  makeTheme,
  useKeypress,
  usePagination,
  usePrefix,
  useState,
} from '@inquirer/core';

export interface SearchChoice<T> {
  value: T;
  name: string;
  checked?: boolean;
  description?: string;
}

export interface SearchCheckboxConfig<T> {
  message: string;
  choices: SearchChoice<T>[];
  pageSize?: number;
  required?: boolean;
  /** Checks the selection on Enter; a string is shown and the prompt stays open. */
  validate?: (values: T[]) => true | string;
}

interface Item<T> extends SearchChoice<T> {
  checked: boolean;
}

const matches = (item: Item<unknown>, query: string): boolean =>
  query === '' || item.name.toLowerCase().includes(query.toLowerCase());

type Key = { name?: string; sequence?: string; ctrl?: boolean; meta?: boolean };

/** Printable keys, space included, extend the search (audience names have spaces: "Cart abandoners"). */
function isTyping(key: Key): boolean {
  const s = key.sequence;
  return !key.ctrl && !key.meta && typeof s === 'string' && s.length === 1 && s >= ' ' && s !== '\u007f';
}

/**
 * Tab toggles the highlighted line at any time; space toggles it only while the search is empty (as in inquirer's
 * own checkbox), and once you have typed, space is part of the search.
 */
const isToggle = (key: Key, query: string): boolean =>
  key.name === 'tab' || (query === '' && isSpaceKey(key as Parameters<typeof isSpaceKey>[0]));

function helpLine(query: string, shown: number, total: number, selected: number): string {
  const filter = query === '' ? 'type to search' : `search "${query}": ${shown} of ${total} shown`;
  const toggle = query === '' ? 'space or tab' : 'tab';
  return `(${filter} · ↑↓ move · ${toggle} select · ⏎ done · ${selected} selected)`;
}

export const searchCheckbox = createPrompt(<T>(config: SearchCheckboxConfig<T>, done: (value: T[]) => void): string => {
  const theme = makeTheme({});
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const prefix = usePrefix({ status, theme });
  const [items, setItems] = useState<Item<T>[]>(config.choices.map((c) => ({ ...c, checked: Boolean(c.checked) })));
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const visible = items.filter((i) => matches(i, query));

  useKeypress((key, rl) => {
    if (isEnterKey(key)) {
      const chosen = items.filter((i) => i.checked);
      if (config.required && chosen.length === 0)
        return setError('Select at least one (tab toggles the highlighted line)');
      const verdict = config.validate ? config.validate(chosen.map((i) => i.value)) : true;
      if (verdict !== true) return setError(verdict);
      setStatus('done');
      return done(chosen.map((i) => i.value));
    }
    rl.clearLine(0); // the prompt keeps the query itself; readline's own line buffer is not used
    if (isUpKey(key) || isDownKey(key)) {
      if (visible.length > 0) setActive((active + (isUpKey(key) ? -1 : 1) + visible.length) % visible.length);
    } else if (isToggle(key, query)) {
      const target = visible[active];
      setError(undefined);
      if (target) setItems(items.map((i) => (i === target ? { ...i, checked: !i.checked } : i)));
    } else if (isBackspaceKey(key)) {
      setQuery(query.slice(0, -1));
      setActive(0);
    } else if (isTyping(key as Key)) {
      setQuery(query + (key as unknown as { sequence: string }).sequence);
      setActive(0);
    }
  });

  const message = theme.style.message(config.message, status);
  if (status === 'done') {
    const chosen = items.filter((i) => i.checked);
    return `${prefix} ${message} ${theme.style.answer(`${chosen.length} selected`)}`;
  }
  const page = usePagination({
    items: visible,
    active: Math.min(active, Math.max(visible.length - 1, 0)),
    renderItem: ({ item, isActive }) => `${isActive ? '❯' : ' '}${item.checked ? '◉' : '◯'} ${item.name}`,
    pageSize: config.pageSize ?? 10,
    loop: false,
  });
  const description = visible[active]?.description;
  const lines = [
    `${prefix} ${message}`,
    visible.length > 0 ? page : '  (nothing matches; backspace to widen the search)',
    description ? `  ${description}` : '',
    error ? theme.style.error(error) : '',
    theme.style.help(helpLine(query, visible.length, items.length, items.filter((i) => i.checked).length)),
  ];
  return lines.filter(Boolean).join('\n');
});

import {
  Decoration,
  type DecorationSet,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  type ViewUpdate,
} from '@uiw/react-codemirror';

/**
 * Tints every `{{ output }}` and `{% tag %}`. The Liquid grammar colors keywords, strings and
 * numbers, but CodeMirror's default light style leaves variable names and braces plain, so
 * without this a template's variables would not stand out from its text.
 */
const marker = new MatchDecorator({
  regexp: /{{-?[\s\S]*?-?}}|{%-?[\s\S]*?-?%}/g,
  decoration: (match) =>
    Decoration.mark({ class: match[0].startsWith('{%') ? 'cm-liquid-tag' : 'cm-liquid-output' }),
});

const plugin = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = marker.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = marker.updateDeco(update, this.decorations);
    }
  },
  { decorations: (instance) => instance.decorations },
);

const theme = EditorView.baseTheme({
  '&light .cm-liquid-output': { color: '#1c7ed6', backgroundColor: 'rgba(28, 126, 214, 0.08)' },
  '&light .cm-liquid-tag': { color: '#862e9c', backgroundColor: 'rgba(134, 46, 156, 0.08)' },
  '&dark .cm-liquid-output': { color: '#74c0fc', backgroundColor: 'rgba(116, 192, 252, 0.12)' },
  '&dark .cm-liquid-tag': { color: '#e599f7', backgroundColor: 'rgba(229, 153, 247, 0.12)' },
  '.cm-liquid-output, .cm-liquid-tag': { borderRadius: '3px' },
});

export const liquidTagMarks = [plugin, theme];

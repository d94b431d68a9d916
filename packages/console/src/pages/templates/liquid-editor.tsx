import { liquid } from '@codemirror/lang-liquid';
import { Input, useComputedColorScheme } from '@mantine/core';
import CodeMirror, {
  Decoration,
  EditorState,
  EditorView,
  type Extension,
  StateField,
} from '@uiw/react-codemirror';
import { useId, useMemo } from 'react';
import { liquidTagMarks } from './liquid-tag-marks';
import { templateVariables } from './template-variables';

interface LiquidEditorProps {
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  /** The API's or the form's complaint about this field. */
  error?: string | null;
  /** One line, as a subject is: Enter does nothing. */
  singleLine?: boolean;
  minHeight?: string;
  required?: boolean;
}

const errorBorder = 'var(--mantine-color-error)';
const defaultBorder = 'var(--mantine-color-default-border)';
const errorLine = Decoration.line({ class: 'cm-liquid-error-line' });

/** The line a Liquid parse error names: "… at line 2, column 1: …". */
export function errorLineOf(message: string | null | undefined): number | null {
  const match = message ? /line (\d+)/.exec(message) : null;
  return match?.[1] ? Number(match[1]) : null;
}

/** Marks `line` (1-based) so the eye finds the parse error the message names. */
function highlightLine(line: number | null): Extension {
  return StateField.define({
    create: (state) => decorate(state, line),
    update: (decorations, transaction) =>
      transaction.docChanged ? decorations.map(transaction.changes) : decorations,
    provide: (field) => EditorView.decorations.from(field),
  });
}

function decorate(state: EditorState, line: number | null) {
  if (line === null || line < 1 || line > state.doc.lines) return Decoration.none;
  return Decoration.set([errorLine.range(state.doc.line(line).from)]);
}

const errorTheme = EditorView.baseTheme({
  '.cm-liquid-error-line': { backgroundColor: 'rgba(250, 82, 82, 0.18)' },
});

const oneLine = EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr));

/** A Liquid template field with highlighting, completions of Emivoy's variables, and errors. */
export function LiquidEditor(props: LiquidEditorProps) {
  const { label, description, value, onChange, error, singleLine, minHeight } = props;
  const scheme = useComputedColorScheme('light');
  const id = useId();
  const line = errorLineOf(error);

  const extensions = useMemo(
    () => [
      liquid({ variables: templateVariables }),
      liquidTagMarks,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-labelledby': `${id}-label`,
        'aria-describedby': `${id}-description ${id}-error`,
        'aria-invalid': error ? 'true' : 'false',
      }),
      errorTheme,
      highlightLine(line),
      ...(singleLine ? [oneLine] : []),
    ],
    [id, error, line, singleLine],
  );

  return (
    <Input.Wrapper
      label={label}
      labelProps={{ id: `${id}-label` }}
      description={description}
      descriptionProps={{ id: `${id}-description` }}
      error={error}
      errorProps={{ id: `${id}-error` }}
      required={props.required}
    >
      <div
        style={{
          border: `1px solid ${error ? errorBorder : defaultBorder}`,
          borderRadius: 'var(--mantine-radius-sm)',
          overflow: 'hidden',
          marginTop: 4,
        }}
      >
        <CodeMirror
          value={value}
          onChange={onChange}
          theme={scheme}
          extensions={extensions}
          minHeight={minHeight ?? (singleLine ? undefined : '140px')}
          basicSetup={{
            lineNumbers: !singleLine,
            foldGutter: false,
            highlightActiveLine: !singleLine,
            highlightActiveLineGutter: !singleLine,
          }}
        />
      </div>
    </Input.Wrapper>
  );
}

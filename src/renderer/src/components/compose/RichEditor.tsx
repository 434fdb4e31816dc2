// The message body: tiptap (ProseMirror) with bold, italic, lists, quotes and links; images pasted
// or dropped into it sit inline as data: URLs (sent as cid: parts), other files dropped on it are
// attached. It reports its HTML and plain-text twin on every change.
import { useEffect, useImperativeHandle, useRef, useState, type ReactNode, type Ref } from 'react';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import Image from '@tiptap/extension-image';
import { TextSelection } from '@tiptap/pm/state';
import { docToText } from './text-twin.ts';
import { isInlineImage, toDataUrl } from './files.ts';
import { AttachIcon, BulletsIcon, ImageIcon, LinkIcon, NumbersIcon, QuoteIcon } from './toolbar-icons.tsx';

export interface RichEditorHandle {
  focus(): void;
  /** Swaps one block of HTML (a signature) for another where the body has it. */
  replaceHtml(from: string, to: string): void;
}

interface Props {
  initialHtml: string;
  autoFocus: boolean;
  handle: Ref<RichEditorHandle>;
  onChange(html: string, text: string): void;
  onFiles(files: File[]): void;
}

async function insertImages(editor: Editor, files: File[], at?: number) {
  for (const f of files) {
    const src = await toDataUrl(f);
    const node = { type: 'image', attrs: { src, alt: f.name.replace(/\.[^.]+$/, '') } };
    if (at === undefined) editor.chain().focus().insertContent(node).run();
    else editor.chain().focus().insertContentAt(at, node).run();
  }
}

export function RichEditor({ initialHtml, autoFocus, handle, onChange, onFiles }: Props) {
  // The editor's handlers are set up once: they reach the live editor and callbacks through refs.
  const live = useRef<{ editor: Editor | null; onChange: Props['onChange']; onFiles: Props['onFiles'] }>({ editor: null, onChange, onFiles });
  const report = (e: Editor) => live.current.onChange(e.isEmpty ? '' : e.getHTML(), docToText(e.getJSON()));
  const take = (files: File[], at?: number) => {
    const images = files.filter(isInlineImage);
    if (images.length && live.current.editor) void insertImages(live.current.editor, images, at);
    const others = files.filter((f) => !isInlineImage(f));
    if (others.length) live.current.onFiles(others);
  };
  const editor = useEditor({
    extensions: [
      StarterKit.configure({ link: { openOnClick: false, autolink: false, defaultProtocol: 'https' }, heading: false, codeBlock: false }),
      Image.configure({ inline: true, allowBase64: true }),
    ],
    content: initialHtml,
    autofocus: autoFocus ? 'start' : false,
    editorProps: {
      attributes: { class: 'compose-editor', 'aria-label': 'Message', 'aria-multiline': 'true', role: 'textbox', 'data-testid': 'compose-body' },
      handlePaste(_view, event) {
        const files = Array.from(event.clipboardData?.files ?? []);
        if (!files.length) return false;
        take(files);
        return true;
      },
      handleDrop(view, event, _slice, moved) {
        const files = Array.from(event.dataTransfer?.files ?? []);
        if (moved || !files.length) return false;
        take(files, view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos);
        return true;
      },
    },
    onCreate: ({ editor }) => report(editor),
    onUpdate: ({ editor }) => report(editor),
  });
  live.current = { editor, onChange, onFiles };

  useImperativeHandle(
    handle,
    () => ({
      focus: () => editor?.commands.focus('start'),
      replaceHtml(from, to) {
        if (!editor) return;
        const html = editor.getHTML();
        if (from && html.includes(from)) editor.commands.setContent(html.replace(from, to), { emitUpdate: true });
        else if (!from && to) editor.commands.insertContentAt(editor.state.doc.content.size, to);
      },
    }),
    [editor],
  );

  return (
    <div className="compose-editor-wrap">
      {editor && <Toolbar editor={editor} onFiles={onFiles} />}
      <EditorContent editor={editor} className="compose-editor-scroll" />
    </div>
  );
}

function Toolbar({ editor, onFiles }: { editor: Editor; onFiles(files: File[]): void }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      quote: e.isActive('blockquote'),
      link: e.isActive('link'),
    }),
  });
  const [linking, setLinking] = useState<string | null>(null);
  const linkInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (linking !== null) linkInput.current?.focus();
  }, [linking !== null]);
  const applyLink = () => {
    // The field itself, not the state: Enter may come before React has rendered the last keystroke.
    const href = (linkInput.current?.value ?? linking ?? '').trim();
    const chain = editor.chain().focus().extendMarkRange('link');
    (href ? chain.setLink({ href: /^[a-z][a-z0-9+.-]*:/i.test(href) ? href : `https://${href}` }) : chain.unsetLink())
      // The caret goes after the link, as in Gmail and Thunderbird: typing on must not replace it.
      .command(({ tr }) => {
        tr.setSelection(TextSelection.create(tr.doc, tr.selection.to));
        return true;
      })
      .run();
    setLinking(null);
  };
  const btn = (label: ReactNode, title: string, on: boolean, run: () => void, testId?: string) => (
    <button
      type="button"
      title={title}
      aria-label={title}
      aria-pressed={on}
      className={on ? 'on' : ''}
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
      {...(testId ? { 'data-testid': testId } : {})}
    >
      {label}
    </button>
  );
  return (
    <div className="compose-toolbar" role="toolbar" aria-label="Formatting">
      {btn('B', 'Bold (Ctrl+B)', state.bold, () => editor.chain().focus().toggleBold().run(), 'format-bold')}
      {btn('I', 'Italic (Ctrl+I)', state.italic, () => editor.chain().focus().toggleItalic().run())}
      {btn(<BulletsIcon />, 'Bulleted list', state.bullet, () => editor.chain().focus().toggleBulletList().run())}
      {btn(<NumbersIcon />, 'Numbered list', state.ordered, () => editor.chain().focus().toggleOrderedList().run())}
      {btn(<QuoteIcon />, 'Quote', state.quote, () => editor.chain().focus().toggleBlockquote().run())}
      {btn(<LinkIcon />, 'Link', state.link, () => setLinking((editor.getAttributes('link').href as string | undefined) ?? ''), 'format-link')}
      <label className="toolbar-file" title="Insert picture">
        <ImageIcon />
        <input
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          aria-label="Insert picture"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            void insertImages(editor, files);
          }}
        />
      </label>
      <label className="toolbar-file" title="Attach files">
        <AttachIcon />
        <input
          type="file"
          multiple
          aria-label="Attach files"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            onFiles(files);
          }}
          data-testid="compose-attach"
        />
      </label>
      {linking !== null && (
        <span className="link-form">
          <input
            ref={linkInput}
            type="url"
            placeholder="https://…"
            aria-label="Link address"
            value={linking}
            onChange={(e) => setLinking(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                applyLink();
              } else if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setLinking(null);
                editor.commands.focus();
              }
            }}
            data-testid="link-url"
          />
          <button type="button" onClick={applyLink}>
            {linking.trim() ? 'Apply' : 'Remove'}
          </button>
        </span>
      )}
    </div>
  );
}

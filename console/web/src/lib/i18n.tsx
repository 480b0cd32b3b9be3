import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

export type Lang = 'en' | 'zh';
/** A feature's messages in both languages: the same keys, checked by the type. */
export type Catalogue<K extends string> = Record<Lang, Record<K, string>>;

/** A message with its `{name}` places filled in; a place with no value stays as written. */
export function fill(message: string, values: Record<string, string | number>): string {
  return message.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

const LangContext = createContext<{ lang: Lang; setLang: (lang: Lang) => void }>({ lang: 'en', setLang: () => {} });

function initialLang(): Lang {
  const saved = localStorage.getItem('console.lang');
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(initialLang);
  useEffect(() => {
    localStorage.setItem('console.lang', lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  return <LangContext.Provider value={{ lang, setLang }}>{children}</LangContext.Provider>;
}

export function useLang() {
  return useContext(LangContext);
}

/** The messages of one feature in the current language. */
export function useMessages<K extends string>(catalogue: Catalogue<K>): Record<K, string> {
  return catalogue[useLang().lang];
}

/** An instant in the user's own time zone, in the current language. */
export function useFormatInstant(): (iso: string | null | undefined) => string {
  const { lang } = useLang();
  return (iso) => (iso ? new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—');
}

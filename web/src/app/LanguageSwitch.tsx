import { TranslationOutlined } from "@ant-design/icons";
import { useContext } from "react";
import { LangContext } from "../lib/i18n";

export function LanguageSwitch() {
  const { lang, m, setLang } = useContext(LangContext);
  return (
    <button
      type="button"
      className="gc-button"
      onClick={() => setLang(lang === "zh" ? "en" : "zh")}
      title={m.common.languageLabel}
      lang={lang === "zh" ? "en" : "zh-CN"}
    >
      <TranslationOutlined aria-hidden /> {m.common.language}
    </button>
  );
}

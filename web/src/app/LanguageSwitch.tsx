import { TranslationOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useContext } from "react";
import { LangContext } from "../lib/i18n";

export function LanguageSwitch() {
  const { lang, m, setLang } = useContext(LangContext);
  return (
    <Button
      icon={<TranslationOutlined aria-hidden />}
      onClick={() => setLang(lang === "zh" ? "en" : "zh")}
      title={m.common.languageLabel}
      lang={lang === "zh" ? "en" : "zh-CN"}
    >
      {m.common.language}
    </Button>
  );
}

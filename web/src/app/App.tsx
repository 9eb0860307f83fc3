import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { BrowserRouter } from "react-router";
import { Provider } from "urql";
import { LangContext, MESSAGES, saveLang, savedLang, type Lang } from "../lib/i18n";
import { lastSignOutReason, onSignOut, readToken, type SignOutReason } from "../lib/session";
import { clientFor, forgetClient } from "./clients";
import { Session } from "./Session";
import { theme } from "./theme";

const SignIn = lazy(() => import("./SignIn")); // its form is not needed by a signed-in tab

/** The console: language, theme, and either the sign-in page or the signed-in session. */
export function App() {
  const [lang, setLangState] = useState<Lang>(savedLang);
  const [token, setToken] = useState<string | null>(readToken);
  const [reason, setReason] = useState<SignOutReason | null>(lastSignOutReason);
  const client = useMemo(() => (token ? clientFor(token) : null), [token]); // a new cache for every sign-in

  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);
  useEffect(
    () =>
      onSignOut((why) => {
        forgetClient();
        setReason(why === "user" ? null : why);
        setToken(null);
      }),
    [],
  );

  const language = useMemo(
    () => ({
      lang,
      m: MESSAGES[lang],
      setLang: (next: Lang) => {
        saveLang(next);
        setLangState(next);
      },
    }),
    [lang],
  );

  return (
    <LangContext.Provider value={language}>
      <ConfigProvider locale={lang === "zh" ? zhCN : enUS} theme={theme}>
        <AntApp>
          <BrowserRouter>
            {client && token ? (
              <Provider value={client}>
                <Session />
              </Provider>
            ) : (
              <Suspense fallback={null}>
                <SignIn
                  reason={reason}
                  onSignedIn={(t) => {
                    setReason(null);
                    setToken(t);
                  }}
                />
              </Suspense>
            )}
          </BrowserRouter>
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

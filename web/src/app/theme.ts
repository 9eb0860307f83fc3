import type { ThemeConfig } from "antd";

// Ant Design's default blue and its lighter greys fall short of WCAG AA contrast on white; these do not.
export const theme: ThemeConfig = {
  token: {
    colorPrimary: "#0958d9",
    colorLink: "#0958d9",
    colorError: "#cf1322",
    colorSuccess: "#237804",
    colorWarning: "#ad4e00",
    colorTextTertiary: "rgba(0, 0, 0, 0.65)",
    colorTextDescription: "rgba(0, 0, 0, 0.65)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.55)",
    fontSize: 15,
    borderRadius: 6,
  },
};

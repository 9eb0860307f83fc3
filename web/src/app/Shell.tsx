import {
  AlertOutlined,
  ApartmentOutlined,
  BarChartOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  HeartOutlined,
  LogoutOutlined,
  MenuOutlined,
  SolutionOutlined,
  TableOutlined,
  UsergroupAddOutlined,
} from "@ant-design/icons";
import { Button, Drawer, Grid, Layout, Menu, Select } from "antd";
import { useState, type ReactNode } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { useMessages } from "../lib/i18n";
import { isStaff, viewsOf, type View } from "../lib/roles";
import { signOut } from "../lib/session";
import { LanguageSwitch } from "./LanguageSwitch";
import { Banners } from "./Banners";
import { useViewer } from "./viewer";

const ICONS: Record<View, ReactNode> = {
  overview: <DashboardOutlined aria-hidden />,
  tree: <ApartmentOutlined aria-hidden />,
  map: <TableOutlined aria-hidden />,
  uncovered: <UsergroupAddOutlined aria-hidden />,
  loads: <BarChartOutlined aria-hidden />,
  posts: <SolutionOutlined aria-hidden />,
  overdue: <AlertOutlined aria-hidden />,
  import: <CloudUploadOutlined aria-hidden />,
  my: <HeartOutlined aria-hidden />,
};

/** The frame of every page: header (community, who, language, sign-out), the menu of the role, live alerts. */
export function Shell({ children }: { children: ReactNode }) {
  const m = useMessages();
  const viewer = useViewer();
  const screens = Grid.useBreakpoint();
  const wide = screens.lg ?? false;
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const views = viewsOf(viewer.role);
  const current = `/${location.pathname.split("/")[1] ?? ""}`;
  const items = views.map((view) => ({ key: `/${view}`, icon: ICONS[view], label: m.nav[view] }));
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[current]}
      items={items}
      onClick={({ key }) => {
        setOpen(false);
        navigate(key);
      }}
      style={{ borderInlineEnd: 0 }}
    />
  );
  const staffLayout = isStaff(viewer.role);

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <a className="gc-skip" href="#main">
        {m.app.skip}
      </a>
      <header className="gc-header">
        {(!wide || !staffLayout) && views.length > 1 && (
          <Button icon={<MenuOutlined aria-hidden />} onClick={() => setOpen(true)} aria-label={m.nav.menu}>
            {wide ? m.nav.menu : null}
          </Button>
        )}
        <Link to="/" className="gc-brand">
          {m.app.title}
        </Link>
        {viewer.communities.length > 1 ? (
          <Select
            aria-label={m.nav.chooseCommunity}
            value={viewer.community}
            onChange={viewer.chooseCommunity}
            options={viewer.communities.map((c) => ({ value: c, label: c }))}
            style={{ minWidth: 160 }}
            data-testid="community-select"
          />
        ) : (
          <span data-testid="community-name">{viewer.community}</span>
        )}
        <span data-testid="viewer-role">
          {m.roles[viewer.role]}
          {viewer.residentName ? ` · ${viewer.residentName}` : ""}
        </span>
        <LanguageSwitch />
        <Button icon={<LogoutOutlined aria-hidden />} onClick={() => signOut("user")} data-testid="sign-out">
          {m.nav.signOut}
        </Button>
      </header>
      <Layout>
        {wide && staffLayout && (
          <Layout.Sider width={200} theme="light" style={{ borderRight: "1px solid #d9d9d9" }}>
            <nav aria-label={m.nav.menu}>{menu}</nav>
          </Layout.Sider>
        )}
        <Drawer open={open} onClose={() => setOpen(false)} placement="left" title={m.nav.menu} size={260}>
          <nav aria-label={m.nav.menu}>{menu}</nav>
        </Drawer>
        <Layout.Content>
          <Banners />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

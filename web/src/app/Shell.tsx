import {
  AlertOutlined,
  CarryOutOutlined,
  GiftOutlined,
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
import { useEffect, useState, type ReactNode } from "react";
import { Link, NavLink, useLocation } from "react-router";
import { useMessages } from "../lib/i18n";
import { isStaff, viewsOf, type View } from "../lib/roles";
import { signOut } from "../lib/session";
import { Banners } from "./Banners";
import { LanguageSwitch } from "./LanguageSwitch";
import { useViewer } from "./viewer";

const ICONS: Record<View, ReactNode> = {
  overview: <DashboardOutlined aria-hidden />,
  tree: <ApartmentOutlined aria-hidden />,
  map: <TableOutlined aria-hidden />,
  uncovered: <UsergroupAddOutlined aria-hidden />,
  loads: <BarChartOutlined aria-hidden />,
  posts: <SolutionOutlined aria-hidden />,
  overdue: <AlertOutlined aria-hidden />,
  dispatch: <CarryOutOutlined aria-hidden />,
  points: <GiftOutlined aria-hidden />,
  import: <CloudUploadOutlined aria-hidden />,
  my: <HeartOutlined aria-hidden />,
};

/**
 * The frame of every page: the header (community, who, language, sign-out), the menu of the role, live alerts.
 * Plain HTML and CSS (no component library): it is drawn before anything else, on every page.
 */
export function Shell({ children }: { children: ReactNode }) {
  const m = useMessages();
  const viewer = useViewer();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const views = viewsOf(viewer.role);
  useEffect(() => setOpen(false), [location.pathname]);

  return (
    <div className={`gc-shell${isStaff(viewer.role) ? " gc-staff" : ""}${open ? " gc-menu-open" : ""}`}>
      <a className="gc-skip" href="#main">
        {m.app.skip}
      </a>
      <header className="gc-header">
        {views.length > 1 && (
          <button
            type="button"
            className="gc-button gc-menu-button"
            aria-expanded={open}
            aria-controls="gc-menu"
            onClick={() => setOpen(!open)}
          >
            <MenuOutlined aria-hidden /> {m.nav.menu}
          </button>
        )}
        <Link to="/" className="gc-brand">
          {m.app.title}
        </Link>
        {viewer.communities.length > 1 ? (
          <select
            className="gc-select"
            aria-label={m.nav.chooseCommunity}
            value={viewer.community}
            onChange={(e) => viewer.chooseCommunity(e.target.value)}
            data-testid="community-select"
          >
            {viewer.communities.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : (
          <span data-testid="community-name">{viewer.community}</span>
        )}
        <span data-testid="viewer-role">
          {m.roles[viewer.role]}
          {viewer.residentName ? ` · ${viewer.residentName}` : ""}
        </span>
        <LanguageSwitch />
        <button type="button" className="gc-button" onClick={() => signOut("user")} data-testid="sign-out">
          <LogoutOutlined aria-hidden /> {m.nav.signOut}
        </button>
      </header>
      <div className="gc-body">
        {views.length > 1 && (
          <nav id="gc-menu" className="gc-nav" aria-label={m.nav.menu}>
            <ul>
              {views.map((view) => (
                <li key={view}>
                  <NavLink to={`/${view}`} className={({ isActive }) => (isActive ? "gc-active" : undefined)}>
                    {ICONS[view]} {m.nav[view]}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="gc-content">
          <Banners />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </div>
      </div>
    </div>
  );
}

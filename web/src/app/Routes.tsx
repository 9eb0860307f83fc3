import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, Route, Routes as RouterRoutes } from "react-router";
import { homeOf, mayOpen, type View } from "../lib/roles";
import { Loading } from "../components/States";
import { NotFound } from "../pages/NotFound";
import Overview from "../pages/Overview"; // the staff's first page: in the first chunk, no second round trip
import { Shell } from "./Shell";
import { useViewer } from "./viewer";

// every page is its own chunk: the first page loads only what it shows
const Tree = lazy(() => import("../pages/Tree"));
const CoverageMap = lazy(() => import("../pages/CoverageMap"));
const Uncovered = lazy(() => import("../pages/Uncovered"));
const Loads = lazy(() => import("../pages/Loads"));
const Posts = lazy(() => import("../pages/Posts"));
const Overdue = lazy(() => import("../pages/Overdue"));
const Dispatch = lazy(() => import("../pages/Dispatch"));
const Points = lazy(() => import("../pages/Points"));
const Import = lazy(() => import("../pages/Import"));
const MyElders = lazy(() => import("../pages/MyElders"));
const ResidentPage = lazy(() => import("../pages/Resident"));

const VIEWS: [View, ReactNode][] = [
  ["overview", <Overview />],
  ["tree", <Tree />],
  ["map", <CoverageMap />],
  ["uncovered", <Uncovered />],
  ["loads", <Loads />],
  ["posts", <Posts />],
  ["overdue", <Overdue />],
  ["dispatch", <Dispatch />],
  ["points", <Points />],
  ["import", <Import />],
  ["my", <MyElders />],
];

export function Routes() {
  const { role } = useViewer();
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <RouterRoutes>
          <Route path="/" element={<Navigate to={homeOf(role)} replace />} />
          {VIEWS.map(([view, page]) => (
            <Route key={view} path={`/${view}`} element={mayOpen(role, view) ? page : <NotFound />} />
          ))}
          <Route path="/residents/:id" element={<ResidentPage />} />
          <Route path="*" element={<NotFound />} />
        </RouterRoutes>
      </Suspense>
    </Shell>
  );
}

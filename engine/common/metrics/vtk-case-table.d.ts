// @kitware/vtk.js ships no declaration for its marching-cubes case table; surface-dice.ts reads it through this.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes/caseTable.js' {
  const caseTable: {
    /** Triangles of cube configuration `index` (bit v = corner v inside) as edge ids, three per triangle, −1 ends. */
    getCase(index: number): readonly number[];
    /** The two corner ids joined by edge `eid`; corner v sits at (v & 1, (v >> 1) & 1, (v >> 2) & 1). */
    getEdge(eid: number): readonly [number, number];
  };
  export default caseTable;
}

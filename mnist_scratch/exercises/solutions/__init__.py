"""Worked solutions of the implement exercises, one file each, graded at every site build."""

"""Sales performance rules (#10): quota attainment and pace, leaderboard points, coaching."""

"""Sales performance (#10): quotas and attainment, the leaderboard, coaching, partners."""

from .feed_titles import *  # noqa: F403

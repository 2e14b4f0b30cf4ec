"""The domain: challenges, ideas, voting, panel scores, funding and the workbook.

Plain Python on top of `storage`; knows nothing of Slack, so a Teams adapter can reuse it.
"""

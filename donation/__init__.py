"""Tặng thẻ BHYT: the domain and its use cases. Never imports Streamlit."""

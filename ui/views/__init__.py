"""The app's page scripts: ui/app.py hands them to st.navigation, which runs the chosen one."""

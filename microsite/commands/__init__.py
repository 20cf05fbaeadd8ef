"""The commands that are not the build: the preview server, deploy, new, the translation report, the catalogs'
maintenance and the content gates. Each calls the core; the core never imports them."""

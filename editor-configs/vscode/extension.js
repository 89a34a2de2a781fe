// Starts unspin-lsp for prose documents.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function start() {
  const config = vscode.workspace.getConfiguration("unspin");
  const command = config.get("path", "unspin-lsp");
  const languages = config.get("languages");
  client = new LanguageClient(
    "unspin",
    "unspin",
    { command, args: [] },
    {
      documentSelector: languages.map((language) => ({ language })),
      synchronize: { configurationSection: "unspin" },
      initializationOptions: {
        threshold: config.get("threshold"),
        severity: config.get("severity"),
        languages,
        allowlist: config.get("allowlist"),
        model: config.get("model"),
      },
    }
  );
  return client.start();
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("unspin.restart", async () => {
      if (client) await client.stop();
      await start();
    })
  );
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

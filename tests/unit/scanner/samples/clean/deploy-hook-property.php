<?php
// deploy hook: the branch named by the push is quoted before git sees it
class Deployer
{
    public $branch = 'main';

    public function run(): void
    {
        exec('git -C /srv/site pull origin ' . escapeshellarg($this->branch), $out, $rc);
        echo $rc === 0 ? 'deployed' : 'failed';
    }
}

$d = new Deployer();
if (hash_equals(getenv('HOOK_TOKEN') ?: 'x', $_SERVER['HTTP_X_TOKEN'] ?? '')) {
    $d->branch = preg_replace('/[^\w.\/-]/', '', $_POST['ref'] ?? 'main');
    $d->run();
}

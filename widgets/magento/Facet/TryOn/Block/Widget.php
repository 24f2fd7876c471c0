<?php
namespace Facet\TryOn\Block;

use Magento\Framework\Registry;
use Magento\Framework\View\Element\Template;
use Magento\Framework\View\Element\Template\Context;
use Magento\Store\Model\ScopeInterface;

/** Supplies the template with the Facet address, publishable key and the current product id. */
class Widget extends Template
{
    private Registry $registry;

    public function __construct(Context $context, Registry $registry, array $data = [])
    {
        parent::__construct($context, $data);
        $this->registry = $registry;
    }

    public function getScriptUrl(): string
    {
        $base = (string) $this->_scopeConfig->getValue('facet_tryon/general/facet_url', ScopeInterface::SCOPE_STORE);
        return rtrim($base, '/') . '/widget/v1/facet.js';
    }

    public function getPublishableKey(): string
    {
        return (string) $this->_scopeConfig->getValue('facet_tryon/general/publishable_key', ScopeInterface::SCOPE_STORE);
    }

    /** The catalog entity id: the same id Facet stores from /V1/products. */
    public function getProductId(): ?string
    {
        $product = $this->registry->registry('current_product');
        return $product ? (string) $product->getId() : null;
    }

    public function getLang(): string
    {
        $locale = (string) $this->_scopeConfig->getValue('general/locale/code', ScopeInterface::SCOPE_STORE);
        return substr($locale, 0, 2);
    }
}
